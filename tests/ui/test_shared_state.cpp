// The state the pages share (studio_state.h), offscreen: the Schedule page's Use button drives
// the Forward, Bound, Training and Reverse chain (oracle) pages; a schedule chosen on any page
// reaches the others; a model trained or opened is offered on both pages that use models.
#include <QAction>
#include <QComboBox>
#include <QMenu>
#include <QMessageBox>
#include <QSpinBox>
#include <QToolButton>
#include <QtTest>

#include "main_window.h"
#include "pages/bound_page.h"
#include "pages/forward_page.h"
#include "pages/reverse_page.h"
#include "pages/schedule_page.h"
#include "pages/training_page.h"
#include "studio_state.h"
#include "ui_test_support.h"
#include "widgets/sampling_options.h"
#include "widgets/training_options.h"

using ddpm::ui::MainWindow;
using ddpm::ui::ScheduleChoice;

namespace {

ScheduleChoice choice(const char* name, int steps, bool zeroTerminalSnr = false)
{
    ScheduleChoice c;
    c.name = QString::fromLatin1(name);
    c.steps = steps;
    c.zeroTerminalSnr = zeroTerminalSnr;
    return c;
}

/// "Use on every page" on the Schedule page: its menu's action for shown schedule `row`,
/// listed as the menu lists them when it opens.
QAction* useAction(ddpm::ui::SchedulePage& page, int row)
{
    auto* button = page.findChild<QToolButton*>(QStringLiteral("useSchedule"));
    if (!button || !button->menu())
        return nullptr;
    QMetaObject::invokeMethod(button->menu(), "aboutToShow"); // fills it, as opening it does
    const QList<QAction*> actions = button->menu()->actions();
    return row < actions.size() ? actions[row] : nullptr;
}

void compareEverywhere(MainWindow& window, const ScheduleChoice& want)
{
    QCOMPARE(window.state().schedule(), want);
    QCOMPARE(window.forwardPage()->schedule(), want);
    QCOMPARE(window.boundPage()->schedule(), want);
    QCOMPARE(window.trainingPage()->options()->schedule(), want);
    QCOMPARE(window.trainingPage()->options()->settings().config.schedule, want.name.toStdString());
    QCOMPARE(window.trainingPage()->options()->settings().config.diffusionSteps, want.steps);
    QCOMPARE(window.trainingPage()->options()->settings().config.zeroTerminalSnr, want.zeroTerminalSnr);
    QCOMPARE(window.reversePage()->options()->settings().oracleSchedule, want);
}

} // namespace

class TestSharedState : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_shared_state")); }

    void useThisScheduleDrivesEveryPage()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ddpm::ui::SchedulePage& page = *window.schedulePage();
        QVERIFY(page.setSchedules({choice("linear", 1000), choice("cosine", 500, true)}));
        QApplication::processEvents();
        QAction* second = useAction(page, 1);
        QVERIFY(second);
        QCOMPARE(second->text(), choice("cosine", 500, true).label());
        QSignalSpy changed(&window.state(), &ddpm::ui::StudioState::scheduleChanged);
        second->trigger();
        QCOMPARE(changed.count(), 1);
        compareEverywhere(window, choice("cosine", 500, true));

        // Using it again changes nothing (no second signal, no loop through the pages).
        useAction(page, 1)->trigger();
        QCOMPARE(changed.count(), 1);

        // The first schedule goes back to linear everywhere.
        useAction(page, 0)->trigger();
        compareEverywhere(window, choice("linear", 1000));
    }

    void aScheduleChosenOnAnyPageReachesTheOthers()
    {
        MainWindow window;
        // The Forward page's own control.
        window.forwardPage()->setSchedule(choice("sigmoid", 200));
        compareEverywhere(window, choice("sigmoid", 200));

        // The Training page's T box, as a user edits it.
        auto* steps = window.trainingPage()->options()->findChild<QSpinBox*>(QStringLiteral("diffusionSteps"));
        QVERIFY(steps);
        steps->setValue(300);
        Q_EMIT steps->editingFinished();
        compareEverywhere(window, choice("sigmoid", 300));

        // A schedule core refuses (T = 0) is reported once, in a box that does not block, and
        // changes no page.
        QSignalSpy refused(&window.state(), &ddpm::ui::StudioState::scheduleRefused);
        QVERIFY(!window.state().setSchedule(choice("sigmoid", 0)));
        QCOMPARE(refused.count(), 1);
        QVERIFY(refused.front().front().toString().contains(QStringLiteral("sigmoid")));
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("fileErrorBox"));
        QVERIFY(box);
        box->close();
        compareEverywhere(window, choice("sigmoid", 300));
    }

    void modelsAreOfferedOnBothPages()
    {
        MainWindow window;
        window.state().offerModel(QStringLiteral("/tmp/run-a"), QStringLiteral("Trained: run-a"));
        window.state().offerModel(QStringLiteral("/tmp/run-b"), QStringLiteral("Trained: run-b"));
        window.state().offerModel(QStringLiteral("/tmp/run-a"), QStringLiteral("Trained: run-a (again)"));
        QCOMPARE(window.state().models().size(), 2);
        QCOMPARE(window.state().models().front().label, QStringLiteral("Trained: run-a (again)"));
        // Both pages list the offered specs among their model choices.
        for (QWidget* page : {static_cast<QWidget*>(window.boundPage()), static_cast<QWidget*>(window.reversePage())}) {
            bool foundA = false, foundB = false;
            for (QComboBox* combo : page->findChildren<QComboBox*>()) {
                foundA = foundA || combo->findData(QStringLiteral("/tmp/run-a")) >= 0;
                foundB = foundB || combo->findData(QStringLiteral("/tmp/run-b")) >= 0;
            }
            QVERIFY2(foundA && foundB, qPrintable(page->objectName()));
        }
    }
};

QTEST_MAIN(TestSharedState)
#include "test_shared_state.moc"
