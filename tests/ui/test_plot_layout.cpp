// Plot and figure layout at the sizes a 1280 x 800 screen gives: legend text inside its cell
// (nothing hanging below the line cut off), the Bound page's total label inside its plot, tick
// labels that never run together on the Training page's narrow plots (also in presentation
// mode's 1.6 times larger font, and fewer ticks on a narrower plot), and demonstration figures
// never shown smaller than their pixels unless "Fit" asks for it.
#include <QApplication>
#include <QFontMetrics>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QtTest>

#include <cmath>

#include "jobs/bound_job.h"
#include "jobs/demo_job.h"
#include "jobs/training_job.h"
#include "widgets/bound_plots.h"
#include "widgets/demo_view.h"
#include "widgets/image_view.h"
#include "widgets/plot.h"
#include "widgets/plot_style.h"
#include "widgets/training_plots.h"

using namespace ddpm::ui;

namespace {

/// Lets queued replots (and the refits they start) run.
void settle()
{
    for (int i = 0; i < 6; ++i) {
        QCoreApplication::processEvents();
        QTest::qWait(20);
    }
}

/// Every legend entry's text, as drawn from the top of its cell, ends inside the cell and the
/// cell inside the plot.
void verifyLegendInside(QCustomPlot* plot)
{
    QCPLegend* legend = plot->legend;
    QVERIFY(legend->itemCount() > 0);
    for (int i = 0; i < legend->itemCount(); ++i) {
        auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i));
        if (!item)
            continue;
        const QFontMetrics metrics(item->font());
        const QString name = item->plottable()->name();
        const QRect ink = metrics.boundingRect(name); // relative to the baseline
        const QRect cell = item->outerRect();
        const int inkBottom = cell.top() + metrics.ascent() + ink.bottom();
        QVERIFY2(inkBottom <= cell.bottom(), qPrintable(QStringLiteral("%1 in %2: ink to %3, cell to %4")
                                                            .arg(name, plot->objectName())
                                                            .arg(inkBottom)
                                                            .arg(cell.bottom())));
        QVERIFY2(cell.bottom() < plot->height(), qPrintable(QStringLiteral("%1 in %2: cell to %3, plot %4 high")
                                                                 .arg(name, plot->objectName())
                                                                 .arg(cell.bottom())
                                                                 .arg(plot->height())));
    }
}

/// No two neighbouring tick labels of `axis` overlap, as laid out now.
void verifyTickLabelsApart(QCPAxis* axis, const QString& what)
{
    const QFontMetrics metrics(axis->tickLabelFont());
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    QVERIFY2(!ticks.isEmpty(), qPrintable(what));
    for (int i = 1; i < ticks.size(); ++i) {
        const double distance = std::abs(axis->coordToPixel(ticks[i]) - axis->coordToPixel(ticks[i - 1]));
        const double needed = (metrics.horizontalAdvance(labels[i]) + metrics.horizontalAdvance(labels[i - 1])) / 2.0;
        QVERIFY2(distance > needed, qPrintable(QStringLiteral("%1: \"%2\" and \"%3\" %4 px apart, %5 px wide")
                                                   .arg(what, labels[i - 1], labels[i])
                                                   .arg(distance)
                                                   .arg(needed)));
    }
}

BoundReport boundReport()
{
    BoundReport r;
    r.steps = 1000;
    r.priorBpd = 3.26e-6;
    r.decoderBpd = 2.47;
    for (int t = 1; t <= r.steps; ++t) {
        r.termsBpd.push_back(t == 1 ? r.decoderBpd : 0.01 + 0.5 / t);
        r.lSimple.push_back(1.0);
        r.weights.push_back(1.0 + 50.0 / t);
    }
    r.termsBpdSum = 0;
    for (int t = 2; t <= r.steps; ++t)
        r.termsBpdSum += r.termsBpd[size_t(t - 1)];
    r.totalBpd = r.priorBpd + r.decoderBpd + r.termsBpdSum;
    return r;
}

std::vector<TrainingPoint> trainingPoints(int steps)
{
    std::vector<TrainingPoint> points;
    for (int s = 1; s <= steps; ++s) {
        TrainingPoint p;
        p.step = s;
        p.wallSeconds = s * 0.01;
        p.loss = 0.2 + 1.0 / s;
        p.gradNorm = 0.5 + 1.0 / s;
        p.lr = 1e-3 * std::min(1.0, s / 200.0);
        p.itemsPerSecond = 1000;
        for (size_t k = 0; k < p.bucketLoss.size(); ++k)
            p.bucketLoss[k] = 0.02 + 1.0 / (k + 1);
        points.push_back(p);
    }
    return points;
}

} // namespace

class TestPlotLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void boundLegendAndTotalInside()
    {
        // The Bound page's plots at 1280 x 800: about 820 x 560.
        BoundPlots plots;
        plots.resize(820, 560);
        plots.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plots));
        plots.showReport(boundReport());
        settle();
        for (const char* name : {"termsPlot", "cumulativePlot", "weightPlot"}) {
            auto* plot = plots.findChild<QCustomPlot*>(QLatin1String(name));
            QVERIFY(plot);
            verifyLegendInside(plot);
        }
        auto* cumulative = plots.findChild<QCustomPlot*>(QStringLiteral("cumulativePlot"));
        auto* total = cumulative->findChild<QCPItemText*>(QStringLiteral("totalText"));
        QVERIFY(total && total->visible());
        QVERIFY2(total->topLeft->pixelPosition().y() >= cumulative->axisRect()->top(),
                 qPrintable(QStringLiteral("total label top %1, axis rect top %2")
                                .arg(total->topLeft->pixelPosition().y())
                                .arg(cumulative->axisRect()->top())));
        // The dashed line stays under the label.
        QVERIFY(cumulative->yAxis->coordToPixel(boundReport().totalBpd) >= total->bottomLeft->pixelPosition().y() - 1);
    }

    void trainingTickLabelsApart()
    {
        // The Training page's plots at 1280 x 800: about 500 x 500, the narrow ones ~165 px.
        TrainingPlots plots;
        followApplicationStyleEverywhere(&plots); // as the main window does for every plot
        plots.resize(500, 500);
        plots.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plots));
        plots.clear(1000);
        plots.append(trainingPoints(5000));
        QTest::qWait(400); // the replot timer
        settle();
        const auto verifyAll = [&plots](const QString& when) {
            for (QCustomPlot* plot : {plots.lossPlot(), plots.bucketPlot(), plots.gradPlot(), plots.lrPlot()})
                verifyTickLabelsApart(plot->xAxis, plot->objectName() + QStringLiteral(" x, ") + when);
        };
        verifyAll(QStringLiteral("1280 x 800"));
        if (QTest::currentTestFailed())
            return;
        // A wider window: more ticks; back at 500 px, fewer again.
        plots.resize(1400, 500);
        settle();
        verifyAll(QStringLiteral("wide"));
        const int wideCount = plots.gradPlot()->xAxis->tickVector().size();
        plots.resize(500, 500);
        settle();
        verifyAll(QStringLiteral("narrow"));
        QVERIFY2(plots.gradPlot()->xAxis->tickVector().size() < wideCount,
                 qPrintable(QStringLiteral("%1 ticks wide, %2 narrow")
                                .arg(wideCount)
                                .arg(plots.gradPlot()->xAxis->tickVector().size())));
        plots.resize(500, 500);
        // Presentation mode: the application font 1.6 times as large.
        const QFont before = QApplication::font();
        QFont large = before;
        large.setPointSizeF(before.pointSizeF() * 1.6);
        QApplication::setFont(large);
        settle();
        QTest::qWait(200);
        settle();
        verifyAll(QStringLiteral("presentation mode"));
        QApplication::setFont(before);
        settle();
    }

    void demoFigureReadable()
    {
        // The Demonstrations tab at 1280 x 800: about 370 x 430; Fig. 7 about 560 x 450 pixels.
        DemoView view;
        view.resize(370, 430);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        DemoResult result;
        result.kind = DemoKind::SharingXt;
        result.title = demoName(DemoKind::SharingXt);
        result.figure.width = 560;
        result.figure.height = 450;
        result.figure.channels = 1;
        result.figure.pixels.assign(size_t(560) * 450, 128);
        view.showResult(result);
        settle();
        const ImageView* figure = view.figureView();
        QVERIFY2(figure->shownScale() >= 0.999, qPrintable(QString::number(figure->shownScale())));
        QVERIFY(figure->scaleNote().isEmpty());
        auto* scroll = view.findChild<QScrollArea*>(QStringLiteral("demoFigureScroll"));
        QVERIFY(scroll);
        QVERIFY(scroll->horizontalScrollBar()->maximum() > 0); // the rest is a scroll away
        auto* fit = view.findChild<QPushButton*>(QStringLiteral("fitDemo"));
        QVERIFY(fit && fit->isVisible());
        fit->click();
        settle();
        QVERIFY(view.fitsWhole());
        QVERIFY2(figure->shownScale() < 0.8, qPrintable(QString::number(figure->shownScale())));
        QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
        // A tab larger than the figure: enlarged to fill it.
        fit->click();
        view.resize(1200, 1000);
        settle();
        QVERIFY2(figure->shownScale() > 1.5, qPrintable(QString::number(figure->shownScale())));
    }
};

QTEST_MAIN(TestPlotLayout)
#include "test_plot_layout.moc"
