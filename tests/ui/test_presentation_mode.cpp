// Presentation mode, offscreen: View › Presentation mode (F5) scales the application font by
// MainWindow::kPresentationScale and back; plots follow without code of their own: a tick
// label font and a graph's pen width grow and come back, on a plot whose owner calls
// plot_style (the Bound page's) and on one whose owner does not (the Training page's loss).
// The mode is remembered.
#include <QAction>
#include <QApplication>
#include <QSettings>
#include <QtTest>

#include "main_window.h"
#include "pages/bound_page.h"
#include "pages/training_page.h"
#include "ui_test_support.h"
#include "widgets/plot.h"
#include "widgets/plot_style.h"
#include "widgets/training_plots.h"

using ddpm::ui::MainWindow;

namespace {

double pointSize(const QFont& font)
{
    return QFontInfo(font).pointSizeF();
}

QCustomPlot* lossPlot(const MainWindow& window)
{
    return window.trainingPage()->plots()->findChild<QCustomPlot*>(QStringLiteral("lossPlot"));
}

} // namespace

class TestPresentationMode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_presentation_mode")); }

    void scalesFontPlotsAndLinesAndBack()
    {
        const QFont before = QApplication::font();
        MainWindow window;
        QAction* action = window.presentationAction();
        QVERIFY(action);
        QVERIFY(action->isCheckable());
        QCOMPARE(action->shortcut(), QKeySequence(Qt::Key_F5));
        QVERIFY(!window.presentationMode());
        QCOMPARE(ddpm::ui::plotLineScale(), 1.0);

        QCustomPlot* bound = window.boundPage()->termsPlot();
        QCustomPlot* loss = lossPlot(window);
        QVERIFY(bound);
        QVERIFY(loss);
        bound->replot();
        loss->replot();
        const double tickBefore = pointSize(bound->xAxis->tickLabelFont());
        const double lossTickBefore = pointSize(loss->xAxis->tickLabelFont());
        const double penBefore = bound->graph(0)->pen().widthF();
        const double lossPenBefore = loss->graph(1)->pen().widthF();
        QCOMPARE(tickBefore, pointSize(before));
        QVERIFY(penBefore > 0);

        action->trigger();
        const double scale = MainWindow::kPresentationScale;
        QVERIFY(window.presentationMode());
        QVERIFY(action->isChecked());
        QVERIFY(qAbs(pointSize(QApplication::font()) - scale * pointSize(before)) < 0.6);
        QVERIFY(qAbs(ddpm::ui::plotLineScale() - scale) < 0.1);
        // Qt tells the widgets of a new application font by posted events.
        QCoreApplication::processEvents();
        bound->replot();
        loss->replot();
        QVERIFY(pointSize(bound->xAxis->tickLabelFont()) > 1.4 * tickBefore);
        QVERIFY(pointSize(loss->xAxis->tickLabelFont()) > 1.4 * lossTickBefore);
        QVERIFY(qAbs(bound->graph(0)->pen().widthF() - penBefore * ddpm::ui::plotLineScale()) < 1e-9);
        QVERIFY(loss->graph(1)->pen().widthF() > 1.4 * lossPenBefore);
        // A pen the owner sets while presenting is scaled too, from the owner's width.
        bound->graph(0)->setPen(QPen(Qt::black, 3.0));
        bound->replot();
        QVERIFY(qAbs(bound->graph(0)->pen().widthF() - 3.0 * ddpm::ui::plotLineScale()) < 1e-9);
        bound->graph(0)->setPen(QPen(Qt::black, penBefore));

        action->trigger();
        QVERIFY(!window.presentationMode());
        QCOMPARE(QApplication::font(), before);
        QCoreApplication::processEvents();
        bound->replot();
        loss->replot();
        QCOMPARE(pointSize(bound->xAxis->tickLabelFont()), tickBefore);
        QCOMPARE(pointSize(loss->xAxis->tickLabelFont()), lossTickBefore);
        QCOMPARE(bound->graph(0)->pen().widthF(), penBefore);
        QCOMPARE(loss->graph(1)->pen().widthF(), lossPenBefore);
    }

    void rememberedAndUndoneWithTheWindow()
    {
        const QFont before = QApplication::font();
        {
            MainWindow window;
            window.setPresentationMode(true);
            QCOMPARE(QSettings().value(QStringLiteral("view/presentation")).toBool(), true);
        }
        QCOMPARE(QApplication::font(), before); // the window took its scaling with it
        {
            MainWindow again;
            QVERIFY(again.presentationMode());
            QVERIFY(again.presentationAction()->isChecked());
            QVERIFY(pointSize(QApplication::font()) > 1.4 * pointSize(before));
            again.setPresentationMode(false);
        }
        QCOMPARE(QSettings().value(QStringLiteral("view/presentation")).toBool(), false);
        MainWindow third;
        QVERIFY(!third.presentationMode());
        QCOMPARE(QApplication::font(), before);
    }
};

QTEST_MAIN(TestPresentationMode)
#include "test_presentation_mode.moc"
