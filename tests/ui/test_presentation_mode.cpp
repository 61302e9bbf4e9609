// Presentation mode, offscreen: View › Presentation mode (F5) scales the application font by
// MainWindow::kPresentationScale and back; plots follow without code of their own: a tick
// label font and a graph's pen width grow and come back, on a plot whose owner calls
// plot_style (the Bound page's) and on one whose owner does not (the Training page's loss).
// The mode is remembered. On a 1280 x 800 screen (the offscreen platform configured so by
// main() below) the window never grows past the screen's available width, no page needs more,
// and the window comes back to its size after presentation mode.
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStackedWidget>
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

/// The screen the test runs on, as a teacher's laptop: 1280 x 800.
constexpr int kScreenWidth = 1280;
constexpr int kScreenHeight = 800;

/// What needs the width, for a failure message: `widget`'s visible descendants whose minimum
/// width is over a quarter of `limit` (a row of them may add up to more), as an indented tree
/// of "Class \"name\": width".
QString tooWide(const QWidget* widget, int limit, int depth = 0)
{
    QString out;
    for (const QWidget* child : widget->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) {
        if (child->isHidden() || child->isWindow())
            continue;
        const int width = qMax(child->minimumSizeHint().width(), child->minimumWidth());
        if (width <= limit / 4)
            continue;
        out += QStringLiteral("\n%1%2 \"%3\": %4").arg(QString(depth * 2, QLatin1Char(' ')),
                                                      QLatin1String(child->metaObject()->className()),
                                                      child->objectName())
                   .arg(width);
        out += tooWide(child, limit, depth + 1);
    }
    return out;
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

    void staysOnTheScreenAndComesBack()
    {
        MainWindow window;
        window.resize(1000, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QRect available = window.screen()->availableGeometry();
        QCOMPARE(available.width(), kScreenWidth);
        const QSize before = window.size();

        window.setPresentationMode(true);
        QCoreApplication::processEvents();
        QTest::qWait(50); // the posted font and layout events
        auto* pages = window.findChild<QStackedWidget*>(QStringLiteral("pages"));
        auto* scroll = window.findChild<QScrollArea*>(QStringLiteral("pageScroll"));
        QVERIFY(pages);
        QVERIFY(scroll);
        // What a page may take: the screen's width less the page list and the margins.
        const int room = available.width() - (window.frameGeometry().width() - scroll->viewport()->width());
        QString tooWidePages; // every page that needs more, with what in it does
        for (int i = 0; i < pages->count(); ++i) {
            window.showPage(MainWindow::Page(i));
            QCoreApplication::processEvents();
            QWidget* page = pages->widget(i);
            QVERIFY(!scroll->horizontalScrollBar()->isVisible());
            if (page->minimumSizeHint().width() > room)
                tooWidePages += QStringLiteral("\npage %1 needs %2 px of %3:%4")
                                    .arg(i)
                                    .arg(page->minimumSizeHint().width())
                                    .arg(room)
                                    .arg(tooWide(page, room));
        }
        QVERIFY2(tooWidePages.isEmpty(), qPrintable(tooWidePages));
        QVERIFY2(window.frameGeometry().width() <= available.width(),
                 qPrintable(QStringLiteral("window %1 px wide").arg(window.frameGeometry().width())));
        QVERIFY(window.frameGeometry().height() <= available.height());
        window.showPage(MainWindow::Page(0));

        window.setPresentationMode(false);
        QCoreApplication::processEvents();
        QTest::qWait(50);
        QCOMPARE(window.size(), before);
    }
};

/// QTEST_MAIN with the offscreen platform's one screen made kScreenWidth x kScreenHeight.
int main(int argc, char** argv)
{
    const QString config = QDir::temp().filePath(
        QStringLiteral("test_presentation_mode_screen_%1.json").arg(QCoreApplication::applicationPid()));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return 1;
    file.write(QStringLiteral(R"({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": %1, "height": %2}]})")
                   .arg(kScreenWidth)
                   .arg(kScreenHeight)
                   .toUtf8());
    file.close();
    qputenv("QT_QPA_PLATFORM", ("offscreen:configfile=" + config).toUtf8());
    QApplication app(argc, argv);
    QFile::remove(config); // read when the platform started
    TestPresentationMode test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "test_presentation_mode.moc"
