// Keyboard-only use, offscreen: on every page, pressing Tab from the page list walks through
// the page's controls and comes back to the list (no trap: nothing keeps Tab to itself); the
// walk reaches the page's main controls, never a plot or an image view (they take no focus);
// every page is also reachable from the keyboard (Ctrl+1..5, and the arrow keys on the list).
#include <QAbstractButton>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QListWidget>
#include <QStackedWidget>
#include <QtTest>

#include "main_window.h"
#include "page_rows.h"
#include "ui_test_support.h"
#include "widgets/image_view.h"
#include "widgets/plot.h"

using ddpm::ui::MainWindow;

namespace {

/// The widgets Tab visits from `start` until it comes back to it (at most `limit` presses).
QList<QWidget*> tabWalk(QWidget* start, int limit)
{
    QList<QWidget*> visited;
    start->setFocus(Qt::TabFocusReason);
    for (int i = 0; i < limit; ++i) {
        QWidget* now = QApplication::focusWidget();
        if (!now)
            break;
        QTest::keyClick(now, Qt::Key_Tab);
        QWidget* next = QApplication::focusWidget();
        if (!next || next == start)
            break;
        visited << next;
    }
    return visited;
}

QString describe(const QWidget* widget)
{
    return QStringLiteral("%1 '%2'").arg(QString::fromLatin1(widget->metaObject()->className()), widget->objectName());
}

} // namespace

class TestKeyboardFocus : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_keyboard_focus")); }

    void tabWalksEveryPage_data() { ddpm::test::addPageRows(); }

    void tabWalksEveryPage()
    {
        QFETCH(int, page);
        MainWindow window;
        window.resize(1280, 820);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QApplication::setActiveWindow(&window);
        window.showPage(MainWindow::Page(page));
        auto* list = window.findChild<QListWidget*>();
        auto* stack = window.findChild<QStackedWidget*>();
        QVERIFY(list && stack);
        QWidget* current = stack->currentWidget();

        const QList<QWidget*> walk = tabWalk(list, 400);
        QStringList order;
        for (QWidget* widget : walk)
            order << describe(widget);
        QVERIFY2(walk.size() < 400, qPrintable(QStringLiteral("Tab never came back to the page list (a focus trap): ")
                                               + order.mid(0, 60).join(QStringLiteral(", "))));
        int buttons = 0;
        int values = 0; // spin boxes, sliders, combo boxes
        for (QWidget* widget : walk) {
            QVERIFY2(!qobject_cast<QCustomPlot*>(widget), qPrintable(QStringLiteral("a plot takes focus: ") + describe(widget)));
            QVERIFY2(!qobject_cast<ddpm::ui::ImageView*>(widget),
                     qPrintable(QStringLiteral("an image view takes focus: ") + describe(widget)));
            QVERIFY2(widget == list || current->isAncestorOf(widget) || !stack->isAncestorOf(widget),
                     qPrintable(QStringLiteral("Tab reaches a hidden page: ") + describe(widget)));
            if (!current->isAncestorOf(widget))
                continue;
            if (qobject_cast<QAbstractButton*>(widget))
                ++buttons;
            if (qobject_cast<QAbstractSpinBox*>(widget) || qobject_cast<QAbstractSlider*>(widget)
                || qobject_cast<QComboBox*>(widget))
                ++values;
        }
        if (qEnvironmentVariableIsSet("DDPM_PRINT_TAB_ORDER"))
            qInfo().noquote() << order.join(QStringLiteral("\n"));
        QVERIFY2(buttons >= 2, qPrintable(order.join(QStringLiteral(", "))));
        QVERIFY2(values >= 2, qPrintable(order.join(QStringLiteral(", "))));
    }

    void pagesReachableFromTheKeyboard()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QApplication::setActiveWindow(&window);
        auto* list = window.findChild<QListWidget*>();
        QVERIFY(list);
        QVERIFY(list->focusPolicy() & Qt::TabFocus);
        window.showPage(MainWindow::Schedule);
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Down);
        QCOMPARE(window.currentPage(), MainWindow::Forward);
        QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), MainWindow::Reverse);
    }
};

QTEST_MAIN(TestKeyboardFocus)
#include "test_keyboard_focus.moc"
