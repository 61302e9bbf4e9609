// The Training page offscreen: a toy run started with the Start button shows its loss curve;
// Pause, Step and Stop keep the buttons' states right; paused (also after Open checkpoint),
// only Steps is editable and a new total is the run's at once; an opened run says when its
// next preview comes; after a run, other settings mark its curves and samples as the previous
// run's; a bad data spec shows a message box; invalid loss choices are disabled; the parameter
// count and the settings.
#include <QtTest>

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>

#include <cmath>
#include <memory>

#include "pages/training_page.h"
#include "tiny_runs.h"
#include "ui_test_support.h"
#include "widgets/plot.h"
#include "widgets/sample_preview.h"
#include "widgets/training_options.h"
#include "widgets/training_plots.h"

using ddpm::ui::TrainingPage;
using ddpm::ui::TrainingSettings;
using State = ddpm::ui::TrainingWorker::State;

namespace {

using ddpm::test::kWait;

TrainingSettings toySettings(const QString& runDir)
{
    TrainingSettings s;
    s.config = ddpm::test::tinyMlpConfig(50);
    s.config.steps = 100000;
    s.config.sampleEvery = 20;
    s.runDir = runDir;
    return s;
}

/// Trains a toy run of `steps` steps into runDir on the page, to its end (check
/// QTest::currentTestFailed() after it).
void trainToyRunToEnd(TrainingPage& page, const QString& runDir, long long steps)
{
    TrainingSettings s = toySettings(runDir);
    s.config.steps = steps;
    page.options()->setSettings(s);
    page.startOrResume();
    QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Idle && !page.isBusy() && page.step() == steps, kWait);
}

QPushButton* button(const TrainingPage& page, const char* name)
{
    auto* b = page.findChild<QPushButton*>(QLatin1String(name));
    if (b == nullptr)
        qFatal("no button %s", name);
    return b;
}

/// Enabled states of start, pause, step, stop, save checkpoint, open checkpoint.
QString buttonStates(const TrainingPage& page)
{
    QString s;
    for (const char* name : {"start", "pause", "step", "stop", "saveCheckpoint", "openCheckpoint"})
        s += button(page, name)->isEnabled() ? QLatin1Char('1') : QLatin1Char('0');
    return s;
}

} // namespace

class TestTrainingPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_training_page")); }

    void startPauseStepStop()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        TrainingPage page;
        page.resize(1400, 900);
        page.show();
        page.options()->setSettings(toySettings(runDir));
        QCOMPARE(page.state(), State::Idle);
        QCOMPARE(buttonStates(page), QStringLiteral("100001"));

        // Before the run: the preset's parameter count on the data, and the data's points.
        auto* parameters = page.findChild<QLabel*>(QStringLiteral("parameters"));
        QTRY_VERIFY_WITH_TIMEOUT(parameters->text().remove(QRegularExpression(QStringLiteral("[^0-9]")))
                                     .startsWith(QStringLiteral("37762")), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(page.dataPreview()->scatterPlot()->graph(0)->dataCount() > 0, kWait);

        QTest::mouseClick(button(page, "start"), Qt::LeftButton);
        QVERIFY(!page.options()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(page.plots()->lossPlot()->graph(0)->dataCount() >= 25, kWait);
        QCOMPARE(page.state(), State::Running);
        QCOMPARE(buttonStates(page), QStringLiteral("010110"));
        QVERIFY(!page.options()->isEnabled());
        QCOMPARE(page.runDir(), runDir);
        // The smoothed curve follows the raw one point for point.
        QTRY_COMPARE_WITH_TIMEOUT(page.plots()->lossPlot()->graph(1)->dataCount(),
                                  page.plots()->lossPlot()->graph(0)->dataCount(), kWait);
        // The EMA preview at step 20 draws 1,000 points over the data.
        QTRY_COMPARE_WITH_TIMEOUT(page.samplePreview()->pointCount(), 1000, kWait);

        QTest::mouseClick(button(page, "pause"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Paused && !page.isBusy(), kWait);
        QCOMPARE(buttonStates(page), QStringLiteral("101110"));
        QCOMPARE(button(page, "start")->text(), QStringLiteral("Resume"));
        const long long pausedAt = page.step();
        QCOMPARE(page.plots()->pointCount(), int(pausedAt));

        QTest::mouseClick(button(page, "step"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), kWait);
        QCOMPARE(page.step(), pausedAt + 1);
        QCOMPARE(page.plots()->pointCount(), int(pausedAt + 1));
        QCOMPARE(buttonStates(page), QStringLiteral("101110"));

        QTest::mouseClick(button(page, "stop"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Idle && !page.isBusy(), kWait);
        QCOMPARE(buttonStates(page), QStringLiteral("100001"));
        QCOMPARE(button(page, "start")->text(), QStringLiteral("Start"));
        QVERIFY(page.options()->isEnabled());
        const QString ckpt = QDir(runDir).filePath(QStringLiteral("checkpoints/step-%1.ckpt").arg(pausedAt + 1, 8, 10, QLatin1Char('0')));
        QVERIFY2(QFileInfo::exists(ckpt), qPrintable(ckpt));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 0);

        // The curves export with a row per step.
        const QString csv = dir.filePath(QStringLiteral("curves.csv"));
        QVERIFY(page.exportCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), int(pausedAt + 2));
        QVERIFY(lines.first().startsWith("step,training_s,loss,loss_smoothed"));
        QVERIFY(page.exportPng(dir.filePath(QStringLiteral("curves.png"))));
        // The PNG carries the run's settings as text, as every page's figures do.
        const QString caption = QImage(dir.filePath(QStringLiteral("curves.png"))).text(QStringLiteral("Description"));
        QVERIFY2(caption.startsWith(QStringLiteral("Training: ")), qPrintable(caption));
        QVERIFY2(caption.contains(QStringLiteral("toy:gaussians8")) && caption.contains(QStringLiteral("T = 50"))
                     && caption.contains(QStringLiteral("step %1 of").arg(pausedAt + 1)),
                 qPrintable(caption));

        // Open checkpoint continues the run paused at its step, with metrics.csv's rows (every
        // 10th step) on the curves and the run's settings in the controls.
        page.options()->setSettings(TrainingSettings{});
        page.openCheckpoint(runDir);
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Paused && !page.isBusy(), kWait);
        QCOMPARE(page.step(), pausedAt + 1);
        QCOMPARE(page.plots()->pointCount(), int((pausedAt + 1) / 10));
        QCOMPARE(page.options()->settings().config.diffusionSteps, 50);
        QCOMPARE(page.options()->dataSpec(), QStringLiteral("toy:gaussians8"));
        QCOMPARE(buttonStates(page), QStringLiteral("101110"));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 0);
    }

    // Paused, Steps stays editable (nothing else): its minimum is one more than the steps done;
    // a new total is the run's at once (progress bar, ETA) and Resume trains to it.
    void pausedRunTakesNewSteps()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        TrainingPage page;
        page.show();
        TrainingSettings s = toySettings(runDir);
        s.config.sampleEvery = 0;
        page.options()->setSettings(s);
        page.startOrResume();
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Running && page.plots()->pointCount() >= 10, kWait);
        QTest::mouseClick(button(page, "pause"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Paused && !page.isBusy(), kWait);
        const long long pausedAt = page.step();

        auto* steps = page.findChild<QSpinBox*>(QStringLiteral("trainSteps"));
        QVERIFY(steps->isEnabled());
        QCOMPARE(steps->minimum(), int(pausedAt + 1));
        for (const char* name : {"seed", "batch", "diffusionSteps", "sampleEvery"})
            QVERIFY2(!page.findChild<QSpinBox*>(QLatin1String(name))->isEnabled(), name);
        for (const char* name : {"data", "preset", "loss", "sampleSteps"})
            QVERIFY2(!page.findChild<QComboBox*>(QLatin1String(name))->isEnabled(), name);
        QVERIFY(!page.findChild<QLineEdit*>(QStringLiteral("runFolder"))->isEnabled());
        auto* speed = page.findChild<QLabel*>(QStringLiteral("speed"));
        // Nearly 100,000 steps to go: minutes at least (hours on a slow machine).
        QVERIFY2(speed->text().contains(QRegularExpression(QStringLiteral("ETA \\d+ (min|h)"))), qPrintable(speed->text()));

        steps->setValue(int(pausedAt + 5));
        auto* progress = page.findChild<QProgressBar*>(QStringLiteral("progress"));
        QTRY_COMPARE_WITH_TIMEOUT(progress->format(), QStringLiteral("step %1 of %2").arg(pausedAt).arg(pausedAt + 5), kWait);
        QCOMPARE(progress->value(), int(std::lround(1000.0 * double(pausedAt) / double(pausedAt + 5))));
        // Five steps to go: seconds.
        QVERIFY2(speed->text().contains(QRegularExpression(QStringLiteral("ETA \\d+ s$"))), qPrintable(speed->text()));
        QCOMPARE(page.state(), State::Paused);

        QTest::mouseClick(button(page, "start"), Qt::LeftButton); // Resume
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Idle && !page.isBusy(), kWait);
        QCOMPARE(page.step(), pausedAt + 5);
        QVERIFY(QFileInfo::exists(QDir(runDir).filePath(
            QStringLiteral("checkpoints/step-%1.ckpt").arg(pausedAt + 5, 8, 10, QLatin1Char('0')))));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 0);
    }

    // A finished run opened at its last step: Steps raised while paused, the EMA samples say when
    // the next preview comes (not "first"), and Resume trains on to the new total with previews.
    void openedRunTrainsOnToRaisedSteps()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        TrainingPage page;
        page.show();
        trainToyRunToEnd(page, runDir, 25);
        if (QTest::currentTestFailed()) return;
        QCOMPARE(page.samplePreview()->pointCount(), 1000); // the preview at step 20

        page.openCheckpoint(runDir);
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Paused && !page.isBusy(), kWait);
        QCOMPARE(page.step(), 25LL);
        QCOMPARE(page.samplePreview()->placeholder(),
                 QStringLiteral("No preview before the run ends at step 25 (one every 20 steps)"));
        auto* steps = page.findChild<QSpinBox*>(QStringLiteral("trainSteps"));
        QVERIFY(steps->isEnabled());
        QCOMPARE(steps->value(), 25);
        QCOMPARE(steps->minimum(), 25); // the total it has; no lower
        QVERIFY(!page.findChild<QComboBox*>(QStringLiteral("data"))->isEnabled());

        steps->setValue(60);
        QCOMPARE(steps->minimum(), 26); // raised: never back to the steps done
        QTRY_COMPARE_WITH_TIMEOUT(page.findChild<QProgressBar*>(QStringLiteral("progress"))->format(),
                                  QStringLiteral("step 25 of 60"), kWait);
        QCOMPARE(page.samplePreview()->placeholder(), QStringLiteral("Next preview at step 40"));
        QFile config(QDir(runDir).filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(config.readAll()).object().value(QStringLiteral("steps")).toInt(), 60);

        page.startOrResume();
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Idle && !page.isBusy(), kWait);
        QCOMPARE(page.step(), 60LL);
        QCOMPARE(page.samplePreview()->pointCount(), 1000);
        QVERIFY(page.samplePreview()->caption().startsWith(QStringLiteral("EMA model at step 60")));
        QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("samples/step-00000040.png"))));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 0);
    }

    // After a run, choosing other settings: the data preview drops the old data at once and
    // shows the new; the run's curves and samples stay (its files too) but say they are the
    // previous run's; Start clears them for the new run.
    void finishedRunShownAsPrevious()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        TrainingPage page;
        page.show();
        trainToyRunToEnd(page, runDir, 25);
        if (QTest::currentTestFailed()) return;
        auto* summary = page.findChild<QLabel*>(QStringLiteral("summary"));
        QVERIFY(!summary->text().contains(QStringLiteral("Previous run")));
        QCOMPARE(page.samplePreview()->caption().left(19), QStringLiteral("EMA model at step 2"));
        QTRY_VERIFY_WITH_TIMEOUT(page.dataPreview()->caption().contains(QStringLiteral("toy:gaussians8")), kWait);

        auto* data = page.findChild<QComboBox*>(QStringLiteral("data"));
        data->setCurrentIndex(data->findData(QStringLiteral("toy:moons")));
        QVERIFY2(summary->text().contains(QStringLiteral("Previous run")), qPrintable(summary->text()));
        QVERIFY2(summary->text().contains(QStringLiteral("step 25")), qPrintable(summary->text()));
        QVERIFY2(page.samplePreview()->caption().startsWith(QStringLiteral("Previous run: EMA model at step 20")),
                 qPrintable(page.samplePreview()->caption()));
        QCOMPARE(page.samplePreview()->pointCount(), 1000);
        QCOMPARE(page.plots()->pointCount(), 25);
        QVERIFY(page.exportCsv(dir.filePath(QStringLiteral("previous.csv")))); // still there to export
        QCOMPARE(page.dataPreview()->scatterPlot()->graph(0)->dataCount(), 0); // not the old data under the new choice
        QCOMPARE(page.dataPreview()->placeholder(), QStringLiteral("Reading toy:moons…"));
        QTRY_VERIFY_WITH_TIMEOUT(page.dataPreview()->caption().startsWith(QStringLiteral("toy:moons")), kWait);
        QVERIFY(page.dataPreview()->scatterPlot()->graph(0)->dataCount() > 0);
        QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("metrics.csv"))));

        page.options()->setSettings(toySettings(dir.filePath(QStringLiteral("run2"))));
        page.startOrResume();
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Running, kWait);
        QVERIFY(!summary->text().contains(QStringLiteral("Previous run")));
        QCOMPARE(page.samplePreview()->placeholder(), QStringLiteral("First preview at step 20"));
        QTest::mouseClick(button(page, "stop"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Idle && !page.isBusy(), kWait);
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 0);
    }

    void closingWhileRunningSavesACheckpoint()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        {
            TrainingPage page;
            TrainingSettings s = toySettings(runDir);
            s.config.sampleEvery = 0;
            page.options()->setSettings(s);
            page.startOrResume();
            QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Running && page.plots()->pointCount() > 5, kWait);
        }
        const QStringList saved = QDir(QDir(runDir).filePath(QStringLiteral("checkpoints")))
                                      .entryList({QStringLiteral("*.ckpt")}, QDir::Files);
        QCOMPARE(saved.size(), 1);
    }

    void badDataShowsMessage()
    {
        QTemporaryDir dir;
        TrainingPage page;
        page.show();
        TrainingSettings s = toySettings(dir.filePath(QStringLiteral("run")));
        s.config.data = "folder:" + dir.filePath(QStringLiteral("missing")).toStdString();
        s.config.model = "unet";
        page.options()->setSettings(s);
        QSignalSpy failed(&page, &TrainingPage::trainingFailed);
        QTest::mouseClick(button(page, "start"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QMessageBox*>(QStringLiteral("trainingErrorBox")) != nullptr, kWait);
        const QString text = page.findChild<QMessageBox*>(QStringLiteral("trainingErrorBox"))->text();
        QVERIFY2(text.contains(QStringLiteral("missing")), qPrintable(text));
        QVERIFY(text.at(0).isUpper());
        QCOMPARE(page.state(), State::Idle);
        QVERIFY(!page.isBusy());
        QCOMPARE(buttonStates(page), QStringLiteral("100001"));
        // The settings stay as they were.
        QCOMPARE(page.options()->dataSpec(), QString::fromStdString(s.config.data));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 1);
    }

    void lossChoicesFollowTheVariance()
    {
        TrainingPage page;
        auto* variance = page.findChild<QComboBox*>(QStringLiteral("variance"));
        auto* loss = page.findChild<QComboBox*>(QStringLiteral("loss"));
        auto* model = qobject_cast<QStandardItemModel*>(loss->model());
        const auto item = [&](const char* name) { return model->item(loss->findText(QLatin1String(name))); };
        variance->setCurrentText(QStringLiteral("small"));
        loss->setCurrentText(QStringLiteral("simple"));
        QVERIFY(item("simple")->isEnabled());
        QVERIFY(item("vlb")->isEnabled());
        QVERIFY(!item("hybrid")->isEnabled()); // its bound term would train nothing
        QVERIFY(!item("hybrid")->toolTip().isEmpty());

        variance->setCurrentText(QStringLiteral("learned-range"));
        QVERIFY(!item("simple")->isEnabled()); // nothing would train the variance
        QVERIFY(item("simple")->toolTip().at(0).isUpper());
        QVERIFY(item("hybrid")->isEnabled());
        QCOMPARE(loss->currentText(), QStringLiteral("hybrid"));
        QCOMPARE(page.options()->settings().config.loss, std::string("hybrid"));
    }

    // Previews: DDIM on 50 steps by default, DDPM on all T on request, an experiment's other K
    // as one more choice, never more steps than T; a run samples with the choice and records it.
    void previewChoice()
    {
        QTemporaryDir dir;
        TrainingPage page;
        auto* previews = page.findChild<QComboBox*>(QStringLiteral("sampleSteps"));
        QVERIFY(previews != nullptr);
        QVERIFY(previews->toolTip().contains(QStringLiteral("--sample-steps")));
        QCOMPARE(previews->currentText(), QStringLiteral("DDIM, 50 steps (fast)"));
        QCOMPARE(page.options()->settings().config.sampleSteps, 50);
        previews->setCurrentIndex(previews->findData(0));
        QCOMPARE(previews->currentText(), QStringLiteral("DDPM, all T steps"));
        QCOMPARE(page.options()->settings().config.sampleSteps, 0);

        TrainingSettings s = toySettings(dir.filePath(QStringLiteral("run")));
        s.config.sampleSteps = 20; // T = 50
        page.options()->setSettings(s);
        QCOMPARE(previews->currentText(), QStringLiteral("DDIM, 20 steps"));
        QCOMPARE(page.options()->settings().config.sampleSteps, 20);
        s.config.sampleSteps = 10;
        page.options()->setSettings(s);
        QCOMPARE(previews->count(), 3); // 10 took 20's place
        QCOMPARE(previews->currentText(), QStringLiteral("DDIM, 10 steps"));
        previews->setCurrentIndex(0);
        page.findChild<QSpinBox*>(QStringLiteral("diffusionSteps"))->setValue(30);
        QCOMPARE(previews->currentText(), QStringLiteral("DDIM, 30 steps (fast)"));
        QCOMPARE(page.options()->settings().config.sampleSteps, 30);

        // Settings saved before the choice existed restore the page's default, not DDPM.
        QSettings old(dir.filePath(QStringLiteral("old.ini")), QSettings::IniFormat);
        QJsonObject saved = QJsonDocument::fromJson(QByteArray::fromStdString(s.config.toJson())).object();
        saved.remove(QStringLiteral("sample_steps"));
        old.setValue(QStringLiteral("training/config"), QString::fromUtf8(QJsonDocument(saved).toJson()));
        previews->setCurrentIndex(previews->findData(0));
        page.restoreSettings(old);
        QCOMPARE(page.options()->settings().config.sampleSteps, 50);

        // A run previews with DDIM on 10 steps and says so in config.json.
        s.config.sampleSteps = 10;
        page.options()->setSettings(s);
        page.startOrResume();
        QTRY_COMPARE_WITH_TIMEOUT(page.samplePreview()->pointCount(), 1000, kWait);
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("run/samples/step-00000020.png"))));
        QTest::mouseClick(button(page, "stop"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page.state() == State::Idle && !page.isBusy(), kWait);
        QFile config(dir.filePath(QStringLiteral("run/config.json")));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(config.readAll()).object().value(QStringLiteral("sample_steps")).toInt(), 10);
    }

    // A wheel turn pins a plot's view while new points arrive; a double-click follows the data again.
    void plotsPanZoomAndFollow()
    {
        ddpm::ui::TrainingPlots plots;
        plots.resize(900, 500);
        plots.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plots));
        const auto points = [](long long from, long long to) {
            std::vector<ddpm::ui::TrainingPoint> v;
            for (long long s = from; s <= to; ++s) {
                ddpm::ui::TrainingPoint p;
                p.step = s;
                p.wallSeconds = 0.1 * double(s);
                p.loss = 1.0 / double(s);
                p.gradNorm = 1;
                p.lr = 1e-3;
                p.bucketLoss.fill(0.5);
                v.push_back(p);
            }
            return v;
        };
        QCustomPlot* loss = plots.lossPlot();
        plots.append(points(1, 100));
        QTRY_COMPARE(loss->xAxis->range().upper, 100.0);
        QVERIFY(plots.follows(loss));

        const QPointF centre = loss->axisRect()->rect().center();
        QWheelEvent wheel(centre, loss->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(loss, &wheel);
        QVERIFY(!plots.follows(loss));
        const QCPRange zoomed = loss->xAxis->range();
        QVERIFY(zoomed.size() < 99.0); // zoomed in

        plots.append(points(101, 200));
        QTest::qWait(400); // two replot periods
        QCOMPARE(loss->xAxis->range().lower, zoomed.lower);
        QCOMPARE(loss->xAxis->range().upper, zoomed.upper);
        QVERIFY(plots.follows(plots.gradPlot())); // the others still follow
        QTRY_COMPARE(plots.gradPlot()->xAxis->range().upper, 200.0);

        QMouseEvent press(QEvent::MouseButtonPress, centre, loss->mapToGlobal(centre), Qt::LeftButton, Qt::LeftButton,
                          Qt::NoModifier);
        QMouseEvent release(QEvent::MouseButtonRelease, centre, loss->mapToGlobal(centre), Qt::LeftButton, Qt::NoButton,
                            Qt::NoModifier);
        QMouseEvent dbl(QEvent::MouseButtonDblClick, centre, loss->mapToGlobal(centre), Qt::LeftButton, Qt::LeftButton,
                        Qt::NoModifier);
        QApplication::sendEvent(loss, &press);
        QApplication::sendEvent(loss, &release);
        QApplication::sendEvent(loss, &dbl);
        QVERIFY(plots.follows(loss));
        QCOMPARE(loss->xAxis->range().upper, 200.0);
    }

    void settingsPersist()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        {
            TrainingPage page;
            TrainingSettings s = toySettings(dir.filePath(QStringLiteral("run")));
            s.config.data = "toy:moons";
            s.config.diffusionSteps = 77;
            s.config.seed = 12;
            page.options()->setSettings(s);
            page.plots()->setSmoothing(0.8);
            page.plots()->setLogY(true);
            page.saveSettings(settings);
        }
        TrainingPage page;
        page.restoreSettings(settings);
        const TrainingSettings s = page.options()->settings();
        QCOMPARE(s.config.data, std::string("toy:moons"));
        QCOMPARE(s.config.diffusionSteps, 77);
        QCOMPARE(s.config.seed, std::uint64_t(12));
        QCOMPARE(s.config.preset, std::string("tiny"));
        QCOMPARE(s.runDir, dir.filePath(QStringLiteral("run")));
        QCOMPARE(page.plots()->smoothing(), 0.8);
        QVERIFY(page.plots()->logY());
    }
};

QTEST_MAIN(TestTrainingPage)
#include "test_training_page.moc"
