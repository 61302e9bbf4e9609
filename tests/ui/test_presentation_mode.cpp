// Presentation mode, offscreen: View › Presentation mode (F5) scales the application font by
// MainWindow::kPresentationScale and back; plots follow without code of their own: a tick
// label font and a graph's pen width grow and come back, on a plot whose owner calls
// plot_style (the Bound page's) and on one whose owner does not (the Training page's loss).
// The mode is remembered. On a 1280 x 800 screen (the offscreen platform configured so by
// main() below) the window never grows past the screen's available width, no page needs more,
// and the window comes back to its size after presentation mode. In the window as it opens on
// that screen, pages fit its height without scrolling: the Schedule page (lesson closed), the
// Training page, the Forward page and the Reverse chain page while presenting,
// the Bound, Forward and Reverse chain pages with their lessons open in normal mode; the Reverse
// chain page's batch grid is in view whole with a chain of images; the Training and Reverse
// chain pages' settings columns never scroll sideways. Presenting, the Schedule page's controls
// take only the height they ask for and its plots, taller, are in view; its lesson, open, keeps
// a width it reads at; the Forward page's histogram keeps its legend inside the plot, also in
// the least room a layout gives it.
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStackedWidget>
#include <QtTest>

#include "jobs/forward_job.h"
#include "main_window.h"
#include "pages/bound_page.h"
#include "pages/forward_page.h"
#include "pages/reverse_page.h"
#include "pages/schedule_page.h"
#include "pages/training_page.h"
#include "toy_chain.h"
#include "ui_test_support.h"
#include "widgets/histogram_plot.h"
#include "widgets/image_view.h"
#include "widgets/lesson_panel.h"
#include "widgets/plot.h"
#include "widgets/plot_style.h"
#include "widgets/schedule_list.h"
#include "widgets/training_options.h"
#include "widgets/training_plots.h"

#include <algorithm>
#include <tuple>

using ddpm::ui::LessonPanel;
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

/// The height `widget` needs at `width` in a scroll area that resizes its widget, as QScrollArea
/// takes it: its minimum height, or, where its layout has a height for width (word-wrapped
/// labels), that height when it is more.
int neededHeight(const QWidget* widget, int width)
{
    int height = std::max(widget->minimumSizeHint().height(), widget->minimumHeight());
    if (widget->hasHeightForWidth())
        height = std::max(height, widget->heightForWidth(width));
    return height;
}

/// What needs the room, for a failure message: `widget`'s visible descendants that need more
/// than a quarter of `limit` (a row or column of them may add up to more): their minimum width,
/// or with Qt::Vertical the height they need at their width, as an indented tree of
/// "Class \"name\": pixels".
QString tooLarge(const QWidget* widget, int limit, Qt::Orientation orientation, int depth = 0)
{
    QString out;
    for (const QWidget* child : widget->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) {
        if (child->isHidden() || child->isWindow())
            continue;
        const int size = orientation == Qt::Horizontal
                             ? std::max(child->minimumSizeHint().width(), child->minimumWidth())
                             : neededHeight(child, child->width());
        if (size <= limit / 4)
            continue;
        out += QStringLiteral("\n%1%2 \"%3\": %4").arg(QString(depth * 2, QLatin1Char(' ')),
                                                      QLatin1String(child->metaObject()->className()),
                                                      child->objectName())
                   .arg(size);
        out += tooLarge(child, limit, orientation, depth + 1);
    }
    return out;
}

/// Lets `window` settle, as a person sees it a moment later: the Forward page's frame shown
/// (its statistics and histogram change the page's size hints, and it may then move its
/// statistics), then the event loop turned until the window's size, the page area's and its
/// scroll bars stay the same for three turns in a row. A fixed wait is not enough on a slow
/// machine, where the frame can arrive between the layout's passes.
void settle(MainWindow& window)
{
    if (!QTest::qWaitFor([&window] { return !window.forwardPage()->isRendering(); }, 20000))
        qWarning("the Forward page's frame did not arrive");
    const auto* scroll = window.findChild<QScrollArea*>(QStringLiteral("pageScroll"));
    const auto state = [&window, scroll] {
        return std::make_tuple(window.size(), scroll->viewport()->size(), scroll->widget()->size(),
                               scroll->verticalScrollBar()->isVisible(),
                               scroll->horizontalScrollBar()->isVisible());
    };
    auto last = state();
    for (int turn = 0, same = 0; turn < 100 && same < 3; ++turn) {
        QTest::qWait(20);
        const auto now = state();
        same = now == last ? same + 1 : 0;
        last = now;
    }
}

/// Shows `window` on the laptop's screen, as large as the screen (unless it is shown already),
/// then sets it to present (F5) or not, every lesson panel open or closed, on `page`, once the
/// posted font and layout events are done.
void showOnTheLaptop(MainWindow& window, bool presenting, bool lessonsOpen, MainWindow::Page page)
{
    for (LessonPanel* lesson : window.findChildren<LessonPanel*>())
        lesson->setCollapsed(!lessonsOpen);
    if (!window.isVisible()) {
        window.resize(kScreenWidth, kScreenHeight);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            qWarning("the window was not exposed");
    }
    if (window.presentationMode() != presenting)
        window.presentationAction()->trigger(); // as F5 does
    window.showPage(page);
    settle(window);
}

} // namespace

class TestPresentationMode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_presentation_mode")); }
    /// The next window starts in normal mode, also after a test that failed while presenting.
    void cleanup() { QSettings().setValue(QStringLiteral("view/presentation"), false); }

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
        settle(window); // the posted font and layout events
        auto* pages = window.findChild<QStackedWidget*>(QStringLiteral("pages"));
        auto* scroll = window.findChild<QScrollArea*>(QStringLiteral("pageScroll"));
        QVERIFY(pages);
        QVERIFY(scroll);
        // What a page may take: the screen's width less the page list and the margins.
        const int room = available.width() - (window.frameGeometry().width() - scroll->viewport()->width());
        QString tooWidePages; // every page that needs more, with what in it does
        for (int i = 0; i < pages->count(); ++i) {
            window.showPage(MainWindow::Page(i));
            settle(window);
            QWidget* page = pages->widget(i);
            QVERIFY(!scroll->horizontalScrollBar()->isVisible());
            if (page->minimumSizeHint().width() > room)
                tooWidePages += QStringLiteral("\npage %1 needs %2 px of %3:%4")
                                    .arg(i)
                                    .arg(page->minimumSizeHint().width())
                                    .arg(room)
                                    .arg(tooLarge(page, room, Qt::Horizontal));
        }
        QVERIFY2(tooWidePages.isEmpty(), qPrintable(tooWidePages));
        QVERIFY2(window.frameGeometry().width() <= available.width(),
                 qPrintable(QStringLiteral("window %1 px wide").arg(window.frameGeometry().width())));
        QVERIFY(window.frameGeometry().height() <= available.height());
        window.showPage(MainWindow::Page(0));

        window.setPresentationMode(false);
        settle(window);
        QCOMPARE(window.size(), before);
    }

    void pagesFitTheScreenHeight_data()
    {
        QTest::addColumn<int>("page");
        QTest::addColumn<bool>("presenting");
        QTest::addColumn<bool>("lessonOpen");
        QTest::newRow("Schedule, presenting") << int(MainWindow::Schedule) << true << false;
        QTest::newRow("Training, presenting, lesson open") << int(MainWindow::Training) << true << true;
        QTest::newRow("Training, presenting") << int(MainWindow::Training) << true << false;
        QTest::newRow("Bound, lesson open") << int(MainWindow::Bound) << false << true;
        QTest::newRow("Forward, presenting") << int(MainWindow::Forward) << true << false;
        QTest::newRow("Forward, presenting, lesson open") << int(MainWindow::Forward) << true << true;
        QTest::newRow("Forward, lesson open") << int(MainWindow::Forward) << false << true;
        QTest::newRow("Reverse, presenting, lesson open") << int(MainWindow::Reverse) << true << true;
        QTest::newRow("Reverse, lesson open") << int(MainWindow::Reverse) << false << true;
    }

    /// The page needs no more height than the page scroll area's viewport has, so it does not
    /// scroll: neither the minimum height nor the height for the viewport's width of what the
    /// scroll area holds (the page shown, and only that page) is more.
    void pagesFitTheScreenHeight()
    {
        QFETCH(int, page);
        QFETCH(bool, presenting);
        QFETCH(bool, lessonOpen);
        MainWindow window;
        showOnTheLaptop(window, presenting, lessonOpen, MainWindow::Page(page));
        auto* scroll = window.findChild<QScrollArea*>(QStringLiteral("pageScroll"));
        QVERIFY(scroll);
        QWidget* shown = window.findChild<QStackedWidget*>(QStringLiteral("pages"))->widget(page);
        const int room = scroll->viewport()->height();
        const int needed = neededHeight(scroll->widget(), scroll->viewport()->width());
        QVERIFY2(needed <= room, qPrintable(QStringLiteral("needs %1 px of %2 (the page itself %3):%4")
                                                .arg(needed)
                                                .arg(room)
                                                .arg(neededHeight(shown, scroll->viewport()->width()))
                                                .arg(tooLarge(shown, room, Qt::Vertical))));
        QVERIFY(!scroll->verticalScrollBar()->isVisible());
        window.setPresentationMode(false);
    }

    void batchGridInView_data()
    {
        QTest::addColumn<bool>("presenting");
        QTest::newRow("lesson open") << false;
        QTest::newRow("presenting, lesson open") << true;
    }

    /// With a chain of images sampled, the Reverse chain page does not scroll and its batch
    /// grid, last row included, lies inside the page scroll area's viewport.
    void batchGridInView()
    {
        QFETCH(bool, presenting);
        QTemporaryDir images;
        MainWindow window;
        showOnTheLaptop(window, presenting, true, MainWindow::Reverse);
        ddpm::ui::ReversePage* page = window.reversePage();
        QVERIFY(page->options()->setModelSpec(ddpm::test::writeBarImages(images.path())));
        page->options()->setSampler(QStringLiteral("ddim"));
        page->options()->setSpacing(QStringLiteral("10"));
        page->options()->setBatch(16);
        QSignalSpy finished(page, &ddpm::ui::ReversePage::runFinished);
        page->run();
        QVERIFY(finished.wait(ddpm::test::kWait));
        QCoreApplication::processEvents();
        auto* scroll = window.findChild<QScrollArea*>(QStringLiteral("pageScroll"));
        const int needed = neededHeight(scroll->widget(), scroll->viewport()->width());
        QVERIFY2(needed <= scroll->viewport()->height(),
                 qPrintable(QStringLiteral("needs %1 px of %2:%3")
                                .arg(needed)
                                .arg(scroll->viewport()->height())
                                .arg(tooLarge(page, scroll->viewport()->height(), Qt::Vertical))));
        QVERIFY(!scroll->verticalScrollBar()->isVisible());
        const auto* grid = page->findChild<ddpm::ui::ImageView*>(QStringLiteral("gridView"));
        QVERIFY(grid);
        QVERIFY(!grid->image().isNull());
        const QRect shown(grid->mapTo(scroll->viewport(), QPoint(0, 0)), grid->size());
        QVERIFY2(scroll->viewport()->rect().contains(shown),
                 qPrintable(QStringLiteral("grid at y %1 to %2 in a viewport %3 px high")
                                .arg(shown.top())
                                .arg(shown.bottom())
                                .arg(scroll->viewport()->height())));
        QVERIFY(grid->height() >= grid->minimumSizeHint().height());
        window.setPresentationMode(false);
    }

    void settingsColumnsFitTheirWidth_data()
    {
        QTest::addColumn<int>("page");
        QTest::addColumn<bool>("presenting");
        QTest::newRow("Training, presenting") << int(MainWindow::Training) << true;
        QTest::newRow("Reverse, presenting") << int(MainWindow::Reverse) << true;
        QTest::newRow("Training") << int(MainWindow::Training) << false;
        QTest::newRow("Reverse") << int(MainWindow::Reverse) << false;
    }

    /// The Training and Reverse chain pages' settings columns scroll down, never sideways: what
    /// the column holds needs no more width than its viewport has (fields go under their
    /// labels, buttons onto more lines).
    void settingsColumnsFitTheirWidth()
    {
        QFETCH(int, page);
        QFETCH(bool, presenting);
        MainWindow window;
        showOnTheLaptop(window, presenting, false, MainWindow::Page(page));
        QWidget* options = page == MainWindow::Training ? static_cast<QWidget*>(window.trainingPage()->options())
                                                        : static_cast<QWidget*>(window.reversePage()->options());
        QScrollArea* column = nullptr;
        for (QWidget* w = options; w != nullptr && column == nullptr; w = w->parentWidget())
            column = qobject_cast<QScrollArea*>(w);
        QVERIFY(column);
        const QWidget* content = column->widget();
        const int needed = std::max(content->minimumSizeHint().width(), content->minimumWidth());
        const int room = column->viewport()->width();
        QVERIFY2(needed <= room, qPrintable(QStringLiteral("needs %1 px of %2:%3")
                                                .arg(needed)
                                                .arg(room)
                                                .arg(tooLarge(content, room, Qt::Horizontal))));
        QVERIFY(!column->horizontalScrollBar()->isVisible());
        window.setPresentationMode(false);
    }

    /// Presenting with the lesson open (as the app starts), the Schedule page's controls (the
    /// schedules and the View box) take the height they ask for, no more, and the plots,
    /// taller than them, are in view whole. (Lesson closed, the page fits: above.)
    void schedulePlotsTakeThePage()
    {
        MainWindow window;
        showOnTheLaptop(window, true, true, MainWindow::Schedule);
        const ddpm::ui::SchedulePage* page = window.schedulePage();
        const auto* list = page->findChild<ddpm::ui::ScheduleList*>();
        const auto* view = page->findChild<QWidget*>(QStringLiteral("scheduleView"));
        QVERIFY(list);
        QVERIFY(view);
        const int controls = std::max(list->height(), view->height());
        const int asked = std::max(list->sizeHint().height(), view->sizeHint().height());
        QVERIFY2(controls <= asked, qPrintable(QStringLiteral("controls %1 px, asking %2 px").arg(controls).arg(asked)));
        QVERIFY2(page->plot()->height() > controls,
                 qPrintable(QStringLiteral("plots %1 px, controls %2 px").arg(page->plot()->height()).arg(controls)));
        const QWidget* viewport = window.findChild<QScrollArea*>(QStringLiteral("pageScroll"))->viewport();
        const QRect plots(page->plot()->mapTo(viewport, QPoint(0, 0)), page->plot()->size());
        QVERIFY2(viewport->rect().contains(plots),
                 qPrintable(QStringLiteral("plots at y %1 to %2 in a viewport %3 px high")
                                .arg(plots.top())
                                .arg(plots.bottom())
                                .arg(viewport->height())));
        window.setPresentationMode(false);
    }

    /// Presenting with the Schedule lesson open, the lesson is not squeezed beside the controls:
    /// it gets a width it reads at (in a row of its own) and at least three lines of text; in
    /// normal mode it is back beside them.
    void scheduleLessonReadable()
    {
        MainWindow window;
        showOnTheLaptop(window, true, true, MainWindow::Schedule);
        const ddpm::ui::SchedulePage* page = window.schedulePage();
        const auto* lesson = page->findChild<LessonPanel*>();
        QVERIFY(lesson);
        QVERIFY(!lesson->isCollapsed());
        QVERIFY2(lesson->width() >= lesson->readableWidth(),
                 qPrintable(QStringLiteral("lesson %1 px wide").arg(lesson->width())));
        QVERIFY(!page->lessonBesideControls());
        const int line = lesson->browser()->fontMetrics().lineSpacing();
        QVERIFY2(lesson->browser()->height() >= 3 * line,
                 qPrintable(QStringLiteral("lesson text %1 px high").arg(lesson->browser()->height())));
        QVERIFY(page->plot()->height() > lesson->height());

        showOnTheLaptop(window, false, true, MainWindow::Schedule);
        QVERIFY(page->lessonBesideControls());
        QVERIFY(lesson->width() >= lesson->readableWidth());
    }

    /// Presenting, "compare both" with the lesson open: the histogram's legend (four entries)
    /// lies inside the plot, as laid out and also in the least room a layout may give it.
    void histogramLegendInsideThePlot()
    {
        MainWindow window;
        ddpm::ui::ForwardPage* page = window.forwardPage();
        page->setMode(ddpm::ui::ForwardMode::Compare);
        showOnTheLaptop(window, true, true, MainWindow::Forward);
        QTRY_VERIFY_WITH_TIMEOUT(!page->isRendering(), 20000);
        QCoreApplication::processEvents();
        QCustomPlot* histogram = page->findChild<ddpm::ui::HistogramPlot*>()->plot();
        QCOMPARE(histogram->legend->itemCount(), 4);
        const auto legendInside = [histogram](const char* when) {
            histogram->replot(); // lays the plot out at its size now
            const QRect legend = histogram->legend->outerRect();
            const bool inside = legend.bottom() < histogram->height()
                                && legend.height() >= histogram->legend->minimumOuterSizeHint().height();
            if (!inside)
                qWarning("%s: legend %d px high, bottom at %d px, in a plot %d px high", when, legend.height(),
                         legend.bottom(), histogram->height());
            return inside;
        };
        // The Forward view may move its statistics between its columns once it has its size
        // (ForwardView::placeStats), which changes the histogram's width, so its legend's
        // rows, so the least height the plot asks of the layout: give that a few turns of
        // the event loop to settle.
        QTRY_VERIFY_WITH_TIMEOUT(legendInside("as laid out"), 2000);
        // The least room a layout may give it, as a layout takes it (a minimum size set, else
        // the minimum size hint): its least width, where the legend takes one entry a row,
        // and at that width its least height.
        const QWidget* widget = histogram; // QCustomPlot hides minimumSizeHint()
        histogram->resize(widget->minimumWidth() > 0 ? widget->minimumWidth() : widget->minimumSizeHint().width(),
                          histogram->height());
        histogram->replot(); // the legend wraps to the new width, the plot lays itself out again
        const int least = widget->minimumHeight() > 0 ? widget->minimumHeight() : widget->minimumSizeHint().height();
        histogram->resize(histogram->width(), least);
        QVERIFY(legendInside("at its least size"));
        window.setPresentationMode(false);
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
