// wheel_guard.h, offscreen: in a scrolling settings column the wheel over a combo box or spin
// box without the focus scrolls the column and leaves the value alone; with the focus the
// control takes it as usual.
#include <QApplication>
#include <QComboBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtTest>
#include <QtTest/qtestspontaneevent.h>

#include "widgets/wheel_guard.h"

namespace {

/// One notch of the wheel (down) over widget's centre, marked spontaneous like one from the
/// window system.
void wheelDown(QWidget* widget)
{
    const QPointF local(widget->width() / 2.0, widget->height() / 2.0);
    QWheelEvent event(local, widget->mapToGlobal(local), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QSpontaneKeyEvent::setSpontaneous(&event);
    QApplication::sendEvent(widget, &event);
}

} // namespace

class TestWheelGuard : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wheelScrollsTheColumnUnlessTheControlHasFocus()
    {
        QWidget window;
        auto* outer = new QVBoxLayout(&window);
        auto* scroll = new QScrollArea(&window);
        outer->addWidget(scroll);
        auto* panel = new QWidget;
        auto* layout = new QVBoxLayout(panel);
        auto* combo = new QComboBox(panel);
        combo->addItems({QStringLiteral("simple"), QStringLiteral("vlb"), QStringLiteral("hybrid")});
        auto* spin = new QSpinBox(panel);
        spin->setRange(0, 100);
        spin->setValue(50);
        layout->addWidget(combo);
        layout->addWidget(spin);
        layout->addSpacing(2000); // taller than the window: the column scrolls
        scroll->setWidget(panel);
        scroll->setWidgetResizable(true);
        ddpm::ui::installWheelGuard(panel);
        window.resize(300, 200);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QApplication::setActiveWindow(&window);

        auto* other = new QPushButton(&window); // somewhere else to keep the focus
        outer->addWidget(other);
        other->setFocus();
        QVERIFY(!combo->hasFocus());
        QCOMPARE(combo->focusPolicy(), Qt::StrongFocus);
        QScrollBar* bar = scroll->verticalScrollBar();
        QCOMPARE(bar->value(), 0);
        wheelDown(combo);
        QCOMPARE(combo->currentIndex(), 0);
        QVERIFY(bar->value() > 0);
        const int scrolled = bar->value();
        wheelDown(spin);
        QCOMPARE(spin->value(), 50);
        QVERIFY(bar->value() > scrolled);
        QVERIFY(!combo->hasFocus() && !spin->hasFocus()); // the wheel gave no focus either

        // With the focus, the control takes the wheel.
        bar->setValue(0);
        combo->setFocus();
        QVERIFY(combo->hasFocus());
        wheelDown(combo);
        QCOMPARE(combo->currentIndex(), 1);
        spin->setFocus();
        wheelDown(spin);
        QVERIFY(spin->value() != 50);
    }
};

QTEST_MAIN(TestWheelGuard)
#include "test_wheel_guard.moc"
