// quit_signals.h, offscreen: SIGTERM, SIGINT and SIGHUP arrive as received() in the event loop;
// one instance at a time installs the handlers; and, wired as the app wires it, SIGTERM closes
// the main window, which saves its settings.
#include <QSettings>
#include <QSignalSpy>
#include <QtTest>

#include <csignal>

#include "main_window.h"
#include "quit_signals.h"
#include "ui_test_support.h"

using ddpm::ui::QuitSignals;

class TestQuitSignals : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_quit_signals")); }

    void signalsArriveInTheEventLoop()
    {
        QuitSignals quit;
        QVERIFY(quit.active());
        QSignalSpy spy(&quit, &QuitSignals::received);
        QVERIFY(std::raise(SIGTERM) == 0); // the process lives on: the handler only writes to a pipe
        QVERIFY(std::raise(SIGINT) == 0);
        QVERIFY(std::raise(SIGHUP) == 0);
        QTRY_COMPARE(spy.count(), 3);
        QCOMPARE(spy[0][0].toInt(), int(SIGTERM));
        QCOMPARE(spy[1][0].toInt(), int(SIGINT));
        QCOMPARE(spy[2][0].toInt(), int(SIGHUP));

        // A second instance installs nothing; the first still gets the signals.
        QuitSignals second;
        QVERIFY(!second.active());
        QVERIFY(std::raise(SIGTERM) == 0);
        QTRY_COMPARE(spy.count(), 4);
    }

    void aNewInstanceWorksAfterTheFirstIsGone()
    {
        {
            QuitSignals first;
            QVERIFY(first.active());
        }
        QuitSignals again;
        QVERIFY(again.active());
        QSignalSpy spy(&again, &QuitSignals::received);
        QVERIFY(std::raise(SIGTERM) == 0);
        QTRY_COMPARE(spy.count(), 1);
    }

    void sigtermClosesTheWindowAndSavesItsSettings()
    {
        QSettings().remove(QStringLiteral("window/page"));
        ddpm::ui::MainWindow window;
        QuitSignals quit;
        connect(&quit, &QuitSignals::received, &window, &QWidget::close);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(ddpm::ui::MainWindow::Training);
        QVERIFY(std::raise(SIGTERM) == 0);
        QTRY_VERIFY(!window.isVisible());
        QCOMPARE(QSettings().value(QStringLiteral("window/page")).toInt(), int(ddpm::ui::MainWindow::Training));
    }
};

QTEST_MAIN(TestQuitSignals)
#include "test_quit_signals.moc"
