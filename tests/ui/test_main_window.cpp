// Main window, offscreen: five pages with their titles, switching pages (list, menu shortcut),
// the status bar's runtime text, and geometry/page persisting through QSettings.
#include <QAction>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QtTest>

#include "ddpm/runtime.h"
#include "main_window.h"
#include "page_rows.h"
#include "pages/forward_page.h"
#include "pages/schedule_page.h"
#include "thread_dialog.h"
#include "ui_test_support.h"

#include <QRadioButton>
#include <QSpinBox>

using ddpm::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_main_window")); }

    void exportsSayWhereTheyWent()
    {
        // Every page's export goes through widgets/export: a success names the file in the
        // status bar (the Demonstrations figures used to save without a word).
        MainWindow window;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("schedules.csv"));
        QVERIFY(window.schedulePage()->exportCsv(path));
        QVERIFY(QFileInfo::exists(path));
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Saved %1").arg(QDir::toNativeSeparators(path)));
    }

    void fivePagesWithTitles()
    {
        MainWindow window;
        auto* list = window.findChild<QListWidget*>();
        auto* stack = window.findChild<QStackedWidget*>();
        QVERIFY(list);
        QVERIFY(stack);
        const QStringList expected = {QStringLiteral("Schedule"), QStringLiteral("Forward process"),
                                      QStringLiteral("Bound"), QStringLiteral("Training"),
                                      QStringLiteral("Reverse chain")};
        QCOMPARE(list->count(), expected.size());
        QCOMPARE(stack->count(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(list->item(i)->text(), expected[i]);
        QVERIFY(window.schedulePage());
        QVERIFY(window.forwardPage());
        QVERIFY(window.boundPage());
        QCOMPARE(stack->widget(0), static_cast<QWidget*>(window.schedulePage()));
        QCOMPARE(window.windowTitle(), QStringLiteral("DDPM Studio"));
    }

    void switchingPages_data() { ddpm::test::addPageRows(); }

    void switchingPages()
    {
        QFETCH(int, page);
        MainWindow window;
        auto* list = window.findChild<QListWidget*>();
        auto* stack = window.findChild<QStackedWidget*>();
        window.showPage(MainWindow::Page(page));
        QCOMPARE(int(window.currentPage()), page);
        QCOMPARE(stack->currentIndex(), page);
        QCOMPARE(list->currentRow(), page);

        // Clicking in the page list switches too.
        const int other = (page + 2) % list->count();
        list->setCurrentRow(other);
        QCOMPARE(int(window.currentPage()), other);

        // So does the View menu's action for the page.
        QAction* action = nullptr;
        for (QAction* a : window.menuBar()->findChildren<QAction*>())
            if (a->text() == list->item(page)->text())
                action = a;
        QVERIFY(action);
        action->trigger();
        QCOMPARE(int(window.currentPage()), page);
    }

    void statusBarShowsThreads()
    {
        MainWindow window;
        QString text;
        for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
            text += label->text() + QLatin1Char('\n');
        QVERIFY2(text.contains(QStringLiteral("thread")), qPrintable(text));
        QVERIFY2(text.contains(QString::number(ddpm::threadCount())), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("CPU")) || text.contains(QStringLiteral("CUDA")));
        QVERIFY(ddpm::threadCount() >= 1);
    }

    void savedThreadCountIsUsed()
    {
        QSettings().setValue(QStringLiteral("runtime/threads"), 1);
        {
            MainWindow window;
            QCOMPARE(ddpm::threadCount(), 1);
            QString text;
            for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
                text += label->text();
            QVERIFY2(text.contains(QStringLiteral("1 thread")), qPrintable(text));
        }
        QSettings().remove(QStringLiteral("runtime/threads"));
    }

    void threadChoicePersists()
    {
        QSettings().remove(QStringLiteral("runtime/threads"));
        {
            MainWindow window;
            QCOMPARE(window.threadSetting(), 0); // automatic at first start
            window.setThreadSetting(3);
            // Saved at once, not only when the window closes.
            QCOMPARE(QSettings().value(QStringLiteral("runtime/threads")).toInt(), 3);
            QCOMPARE(ddpm::threadCount(), 3);
            QString text;
            for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
                text += label->text();
            QVERIFY2(text.contains(QStringLiteral("3 threads")) && text.contains(QStringLiteral("fixed")), qPrintable(text));
        }
        ddpm::setThreadCount(1);
        {
            MainWindow restarted;
            QCOMPARE(restarted.threadSetting(), 3);
            QCOMPARE(ddpm::threadCount(), 3);
            // Automatic is a choice of its own, and it is saved too.
            restarted.setThreadSetting(0);
            QVERIFY(QSettings().contains(QStringLiteral("runtime/threads")));
            QCOMPARE(QSettings().value(QStringLiteral("runtime/threads")).toInt(), 0);
            QVERIFY(ddpm::threadCount() >= 1);
        }
        MainWindow again;
        QCOMPARE(again.threadSetting(), 0);
        QString text;
        for (QLabel* label : again.statusBar()->findChildren<QLabel*>())
            text += label->text();
        QVERIFY2(text.contains(QStringLiteral("automatic")), qPrintable(text));
        // Closing writes the key even when nobody chose: the settings file always says.
        QSettings().remove(QStringLiteral("runtime/threads"));
        again.show();
        QVERIFY(again.close());
        QVERIFY(QSettings().contains(QStringLiteral("runtime/threads")));
        ddpm::setThreadCount(1);
    }

    void threadDialogChoices()
    {
        ddpm::ui::ThreadDialog automatic(0, 2);
        QCOMPARE(automatic.choice(), 0);
        auto* count = automatic.findChild<QSpinBox*>(QStringLiteral("threadCount"));
        QVERIFY(count);
        QVERIFY(!count->isEnabled()); // automatic: no count to pick
        QCOMPARE(count->value(), 2);  // starts at the count in use
        automatic.findChild<QRadioButton*>(QStringLiteral("threadsFixed"))->setChecked(true);
        QVERIFY(count->isEnabled());
        count->setValue(5);
        QCOMPARE(automatic.choice(), 5);
        ddpm::ui::ThreadDialog fixed(4, 1);
        QCOMPARE(fixed.choice(), 4);
        fixed.findChild<QRadioButton*>(QStringLiteral("threadsAutomatic"))->setChecked(true);
        QCOMPARE(fixed.choice(), 0);
    }

    void geometrySaveRestoreSaveIsStable()
    {
        // Saved, restored and saved again: the same bytes and the same place, so the window
        // does not creep across the screen from one start to the next.
        QSettings().remove(QStringLiteral("window/geometry"));
        const QRect placed(QPoint(60, 70), QSize(1100, 760));
        {
            MainWindow window;
            window.setGeometry(placed);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.close());
        }
        const QByteArray first = QSettings().value(QStringLiteral("window/geometry")).toByteArray();
        QVERIFY(!first.isEmpty());
        QRect restoredGeometry;
        for (int start = 0; start < 3; ++start) {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            restoredGeometry = window.geometry();
            QVERIFY(window.close());
            QCOMPARE(QSettings().value(QStringLiteral("window/geometry")).toByteArray(), first);
            QCOMPARE(restoredGeometry, placed);
        }
    }

    void settingsRoundTrip()
    {
        QRect geometry;
        {
            MainWindow window;
            // A size other than the default 1280 x 820 that every page can take.
            geometry = QRect(QPoint(40, 50), window.minimumSizeHint().expandedTo(QSize(1000, 700)) + QSize(20, 30));
            window.setGeometry(geometry);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.showPage(MainWindow::Bound);
            QVERIFY(window.close()); // closeEvent saves the settings
        }
        QSettings settings;
        QVERIFY(settings.contains(QStringLiteral("window/geometry")));
        QCOMPARE(settings.value(QStringLiteral("window/page")).toInt(), int(MainWindow::Bound));
        QVERIFY(settings.contains(QStringLiteral("schedule/schedules")));

        MainWindow restored;
        QCOMPARE(restored.currentPage(), MainWindow::Bound);
        QCOMPARE(restored.size(), geometry.size());
        QCOMPARE(restored.schedulePage()->schedules().size(), 2);
    }

    void fitsSmallScreens()
    {
        // The window must fit a 1280 x 800 screen with room for a panel and decorations,
        // and some to spare: no page may force it wider than 1120 px.
        MainWindow window;
        const QSize minimum = window.minimumSizeHint();
        QVERIFY2(minimum.width() <= 1120 && minimum.height() <= 720,
                 qPrintable(QStringLiteral("%1 x %2").arg(minimum.width()).arg(minimum.height())));
        // And a 1024 x 640 window (the small screenshots) holds every page without clipping.
        QVERIFY2(minimum.width() <= 1024 && minimum.height() <= 640,
                 qPrintable(QStringLiteral("%1 x %2").arg(minimum.width()).arg(minimum.height())));
    }

    void pagesLeaveRoomForThePlots_data()
    {
        // The widest minimum each page may ask for (the plots shrink, the Bound page's column scrolls).
        QTest::addColumn<int>("page");
        QTest::addColumn<int>("maxWidth");
        QTest::newRow("schedule") << int(MainWindow::Schedule) << 900;
        QTest::newRow("bound") << int(MainWindow::Bound) << 700;
    }

    void pagesLeaveRoomForThePlots()
    {
        QFETCH(int, page);
        QFETCH(int, maxWidth);
        MainWindow window;
        QWidget* widget = window.findChild<QStackedWidget*>()->widget(page);
        QVERIFY(widget);
        const QSize minimum = widget->minimumSizeHint();
        QVERIFY2(minimum.width() <= maxWidth, qPrintable(QStringLiteral("%1 px").arg(minimum.width())));
    }

    void firstStartShowsTheCat()
    {
        QSettings().remove(QStringLiteral("window/page"));
        MainWindow window;
        QCOMPARE(window.currentPage(), MainWindow::Forward);
        QCOMPARE(window.forwardPage()->image().width, 451); // the bundled chelsea.png
        QCOMPARE(window.forwardPage()->image().height, 300);
    }

    void badSavedPageIsClamped()
    {
        QSettings().setValue(QStringLiteral("window/page"), 42);
        MainWindow window;
        QVERIFY(int(window.currentPage()) >= 0 && int(window.currentPage()) < 5);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
