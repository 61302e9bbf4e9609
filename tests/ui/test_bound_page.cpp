// The Bound page and its worker: evaluation, totals, cancel, errors, CSV, settings, teardown.
#include "ddpm/image_tensor.h"
#include "ddpm/run_directory.h"
#include "ddpm/trainer.h"

#include <QtTest>
#include <QComboBox>

#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QMessageBox>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThread>

#include <cmath>
#include <memory>

#include "ddpm/image.h"
#include "pages/bound_page.h"
#include "tiny_runs.h"
#include "ui_test_support.h"
#include "widgets/plot.h"
#include "workers/bound_worker.h"

using ddpm::ui::BoundPage;
using ddpm::ui::BoundReport;
using ddpm::ui::BoundRequest;
using ddpm::ui::BoundWorker;
using ddpm::ui::ScheduleChoice;

namespace {

using ddpm::test::kWait;

// A 16 x 16 RGB test card: gradients with a bright square.
ddpm::Image testImage()
{
    ddpm::Image image;
    image.width = 16;
    image.height = 16;
    image.channels = 3;
    image.pixels.resize(16 * 16 * 3);
    for (int y = 0; y < 16; ++y) {
        for (int x = 0; x < 16; ++x) {
            const bool square = x >= 5 && x < 11 && y >= 5 && y < 11;
            image.at(y, x, 0) = static_cast<std::uint8_t>(x * 17);
            image.at(y, x, 1) = static_cast<std::uint8_t>(y * 17);
            image.at(y, x, 2) = square ? 255 : 30;
        }
    }
    return image;
}

ScheduleChoice schedule(const QString& name, int steps)
{
    ScheduleChoice choice;
    choice.name = name;
    choice.steps = steps;
    return choice;
}

// A page with the test image, a small schedule and 16 x 16 evaluation.
std::unique_ptr<BoundPage> smallPage(int steps = 100)
{
    auto page = std::make_unique<BoundPage>();
    page->setImage(testImage(), QStringLiteral("card.png"));
    page->setSchedule(schedule(QStringLiteral("linear"), steps));
    page->setResolution(16);
    page->setSamples(1);
    return page;
}

bool evaluateAndWait(BoundPage& page)
{
    QSignalSpy finished(&page, &BoundPage::evaluationFinished);
    page.evaluate();
    return finished.wait(kWait);
}

double tableValue(const BoundPage& page, int row)
{
    return page.totalsTable()->item(row, 0)->data(Qt::UserRole).toDouble();
}

} // namespace

class TestBoundPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trainedModelIsOfferedAndBringsItsSchedule();
    void evaluatesEveryTerm_data();
    void evaluatesEveryTerm();
    void progressArrives();
    void workerSignalsOnce();
    void cancelKeepsPreviousResult();
    void badScheduleKeepsPreviousResult();
    void badCheckpointKeepsModel();
    void staleAfterInputsChange();
    void staleResultsLookStale();
    void zeroTerminalSnrNamesTheControl();
    void customFileSetsT();
    void exportsCsv();
    void exportsPng();
    void autoRunsOnFirstShowAndReadsOutOnHover();
    void settingsRoundTrip();
    void destroyWhileRunning();
};

void TestBoundPage::initTestCase()
{
    ddpm::test::isolateSettings(QStringLiteral("test_bound_page"));
}

void TestBoundPage::evaluatesEveryTerm_data()
{
    QTest::addColumn<QString>("scheduleName");
    QTest::addColumn<int>("steps");
    QTest::addColumn<bool>("large");
    QTest::newRow("linear T=100 small") << QStringLiteral("linear") << 100 << false;
    QTest::newRow("cosine T=1000 large") << QStringLiteral("cosine") << 1000 << true;
}

void TestBoundPage::evaluatesEveryTerm()
{
    QFETCH(QString, scheduleName);
    QFETCH(int, steps);
    QFETCH(bool, large);

    auto page = smallPage();
    page->setSchedule(schedule(scheduleName, steps));
    page->setLargeVariance(large);
    QVERIFY(!page->hasResult());
    QVERIFY(evaluateAndWait(*page));
    QVERIFY(page->hasResult());
    QVERIFY(!page->isRunning());
    QVERIFY(!page->isStale());

    const BoundReport& r = page->result();
    QCOMPARE(r.steps, steps);
    QCOMPARE(static_cast<int>(r.termsBpd.size()), steps);
    QCOMPARE(static_cast<int>(r.weights.size()), steps);
    QCOMPARE(r.width, 16);
    QCOMPARE(r.height, 16);
    QCOMPARE(r.settings.largeVariance, large);
    QVERIFY(r.modelCalls > 0);

    // One point per t for L_{t-1} (t = 1 is L_0), one marker each for L_0 and L_T.
    QCOMPARE(page->termsPlot()->graph(0)->dataCount(), steps);
    QCOMPARE(page->termsPlot()->graph(1)->dataCount(), 1);
    QCOMPARE(page->termsPlot()->graph(2)->dataCount(), 1);
    QCOMPARE(page->cumulativePlot()->graph(0)->dataCount(), steps);
    QCOMPARE(page->weightPlot()->graph(0)->dataCount(), steps);
    // The cumulative curve ends at decoder + sum of the terms.
    const double lastCumulative = (page->cumulativePlot()->graph(0)->data()->end() - 1)->value;
    QVERIFY(std::abs(lastCumulative - (r.decoderBpd + r.termsBpdSum)) <= 1e-9 * std::max(1.0, r.totalBpd));

    // Totals table: rows prior, decoder, sum of L_{t-1}, total; total = prior + decoder + sum.
    const double prior = tableValue(*page, 0);
    const double decoder = tableValue(*page, 1);
    const double sum = tableValue(*page, 2);
    const double total = tableValue(*page, 3);
    QCOMPARE(prior, r.priorBpd);
    QCOMPARE(decoder, r.decoderBpd);
    QCOMPARE(sum, r.termsBpdSum);
    QVERIFY(total > 0);
    QVERIFY(std::abs(total - (prior + decoder + sum)) <= 1e-9 * total);
    QCOMPARE(tableValue(*page, 4), static_cast<double>(r.modelCalls));
}

void TestBoundPage::progressArrives()
{
    auto page = smallPage(1000);
    QSignalSpy progress(page.get(), &BoundPage::evaluationProgress);
    QVERIFY(evaluateAndWait(*page));
    QVERIFY(progress.count() >= 1);
    // The last report says every timestep is done.
    const QList<QVariant> last = progress.last();
    QCOMPARE(last.at(0).toLongLong(), 1000LL);
    QCOMPARE(last.at(1).toLongLong(), 1000LL);
}

void TestBoundPage::workerSignalsOnce()
{
    // The worker on its own thread: progress, then exactly one finished with the request's id.
    QThread thread;
    auto* worker = new BoundWorker;
    worker->moveToThread(&thread);
    thread.start();
    QSignalSpy progress(worker, &BoundWorker::progress);
    QSignalSpy finished(worker, &BoundWorker::finished);
    QSignalSpy failed(worker, &BoundWorker::failed);
    QSignalSpy cancelled(worker, &BoundWorker::cancelled);

    BoundRequest request;
    request.id = 42;
    request.image = testImage();
    request.settings.schedule = schedule(QStringLiteral("linear"), 200);
    request.settings.resolution = 0;
    request.stop = std::make_shared<std::atomic<bool>>(false);
    // The spies record the worker thread's signals at once (direct connections), so a signal
    // may arrive before a wait() would start: poll the counts instead.
    QMetaObject::invokeMethod(worker, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
    QVERIFY(progress.count() >= 1);
    QCOMPARE(progress.first().at(0).toULongLong(), 42ULL);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(cancelled.count(), 0);
    const auto report = finished.first().at(0).value<BoundReport>();
    QCOMPARE(report.id, 42ULL);
    QCOMPARE(report.width, 16); // resolution 0 keeps the size
    QCOMPARE(static_cast<int>(report.termsBpd.size()), 200);

    // A stop flag set before the run gives cancelled, not finished.
    request.id = 43;
    request.stop = std::make_shared<std::atomic<bool>>(true);
    QMetaObject::invokeMethod(worker, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, kWait);
    QCOMPARE(cancelled.first().at(0).toULongLong(), 43ULL);
    QCOMPARE(finished.count(), 1);

    thread.quit();
    thread.wait();
    delete worker;
}

void TestBoundPage::cancelKeepsPreviousResult()
{
    auto page = smallPage();
    QVERIFY(evaluateAndWait(*page));
    const BoundReport before = page->result();

    // Long enough to be cancelled mid-way: T = 20000, K = 8 at 64 x 64.
    page->setSchedule(schedule(QStringLiteral("linear"), 20000));
    page->setSamples(8);
    page->setResolution(64);
    QSignalSpy progress(page.get(), &BoundPage::evaluationProgress);
    QSignalSpy cancelled(page.get(), &BoundPage::evaluationCancelled);
    QSignalSpy finished(page.get(), &BoundPage::evaluationFinished);
    page->evaluate();
    QVERIFY(page->isRunning());
    QVERIFY(progress.wait(kWait));
    page->cancel();
    QVERIFY(cancelled.wait(kWait));
    QCOMPARE(finished.count(), 0);
    QVERIFY(!page->isRunning());

    QCOMPARE(page->result().id, before.id);
    QCOMPARE(page->result().steps, 100);
    QCOMPARE(page->result().totalBpd, before.totalBpd);
    QCOMPARE(page->termsPlot()->graph(0)->dataCount(), 100);
    QVERIFY(page->isStale());
}

void TestBoundPage::badScheduleKeepsPreviousResult()
{
    auto page = smallPage();
    QVERIFY(evaluateAndWait(*page));
    const double total = page->result().totalBpd;

    page->setSchedule(schedule(QStringLiteral("custom:/no/such/betas.txt"), 100));
    QSignalSpy failed(page.get(), &BoundPage::evaluationFailed);
    page->evaluate();
    QVERIFY(failed.wait(kWait));
    QVERIFY(!failed.first().at(0).toString().isEmpty());
    QVERIFY(!page->isRunning());
    QCOMPARE(page->result().totalBpd, total);
    QCOMPARE(tableValue(*page, 3), total);
    QVERIFY(!page->findChildren<QMessageBox*>().isEmpty()); // the user is told
    ddpm::test::closeMessageBoxes(page.get());
}

void TestBoundPage::badCheckpointKeepsModel()
{
    auto page = smallPage();
    QVERIFY(!page->setModelSpec(QStringLiteral("/no/such/model.ckpt")));
    QCOMPARE(page->currentSettings().modelSpec, QStringLiteral("zero"));
    QVERIFY(!page->findChildren<QMessageBox*>().isEmpty());
    ddpm::test::closeMessageBoxes(page.get());
    QVERIFY(page->setModelSpec(QStringLiteral("zero")));
}

void TestBoundPage::staleAfterInputsChange()
{
    auto page = smallPage();
    QVERIFY(evaluateAndWait(*page));
    QVERIFY(!page->isStale());
    page->setSeed(7);
    QVERIFY(page->isStale());
    page->setSeed(0);
    QVERIFY(!page->isStale());
    page->setImage(testImage(), QStringLiteral("card.png")); // a new image, even if the same pixels
    QVERIFY(page->isStale());
    QVERIFY(evaluateAndWait(*page));
    QVERIFY(!page->isStale());
}

void TestBoundPage::staleResultsLookStale()
{
    auto page = smallPage();
    page->resize(1200, 800);
    page->show();
    QVERIFY(QTest::qWaitForWindowExposed(page.get()));
    QVERIFY(evaluateAndWait(*page));
    auto* banner = page->findChild<QLabel*>(QStringLiteral("staleBanner"));
    auto* progress = page->findChild<QProgressBar*>(QStringLiteral("progress"));
    QVERIFY(banner && progress);
    QVERIFY(!banner->isVisible());
    QVERIFY(!page->resultsDimmed());
    QVERIFY2(progress->format().startsWith(QStringLiteral("done")), qPrintable(progress->format()));

    page->setSeed(7);
    QVERIFY(page->isStale());
    QVERIFY(banner->isVisible());
    QVERIFY(banner->text().contains(QStringLiteral("Evaluate")));
    QVERIFY(page->resultsDimmed());
    QVERIFY2(!progress->format().contains(QStringLiteral("done")), qPrintable(progress->format()));
    QCOMPARE(progress->value(), progress->minimum());

    QVERIFY(evaluateAndWait(*page));
    QVERIFY(!banner->isVisible());
    QVERIFY(!page->resultsDimmed());
    QVERIFY(progress->format().startsWith(QStringLiteral("done")));
}

void TestBoundPage::trainedModelIsOfferedAndBringsItsSchedule()
{
    // A tiny UNet trained two steps on the page's own 16 x 16 picture, with T = 30 cosine.
    QTemporaryDir dir;
    const QString run = dir.filePath(QStringLiteral("run"));
    ddpm::TrainConfig c = ddpm::test::tinyUnetConfig(30);
    c.data = "card";
    c.schedule = "cosine";
    c.batch = 2;
    ddpm::TrainingData data;
    data.items = ddpm::imageToTensor(testImage()).unsqueeze(0).repeat({4, 1, 1, 1}).contiguous();
    data.fingerprint = "card x4";
    ddpm::Trainer trainer(c, data);
    trainer.step();
    trainer.step();
    const ddpm::RunDirectory runDir = ddpm::RunDirectory::create(run.toStdString(), trainer.config());
    runDir.saveCheckpoint(trainer, 1);

    auto page = smallPage(100);
    auto* model = page->findChild<QComboBox*>(QStringLiteral("model"));
    QVERIFY(model != nullptr);
    const int chosen = model->currentIndex();
    const QString chosenSpec = model->currentData().toString();
    page->offerModel(run, QStringLiteral("Trained: run"));
    const int offered = model->findData(run);
    QVERIFY(offered >= 0);
    QCOMPARE(model->itemText(offered), QStringLiteral("Trained: run"));
    QCOMPARE(model->currentData().toString(), chosenSpec); // offered, not chosen
    Q_UNUSED(chosen);
    QVERIFY(!page->isStale());

    // Chosen, it is evaluated with its own schedule (T = 30), not the page's (T = 100).
    QVERIFY(page->setModelSpec(run));
    QVERIFY(evaluateAndWait(*page));
    QCOMPARE(page->result().steps, 30);
    QCOMPARE(static_cast<int>(page->result().termsBpd.size()), 30);
    QVERIFY(std::isfinite(page->result().totalBpd));
}

void TestBoundPage::zeroTerminalSnrNamesTheControl()
{
    auto page = smallPage();
    ScheduleChoice zero = schedule(QStringLiteral("linear"), 100);
    zero.zeroTerminalSnr = true;
    page->setSchedule(zero);
    QSignalSpy failed(page.get(), &BoundPage::evaluationFailed);
    page->evaluate();
    QVERIFY(failed.wait(kWait));
    const QString message = failed.first().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("Untick \"Zero-terminal SNR\"")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("--")), qPrintable(message));
    const QList<QMessageBox*> boxes = page->findChildren<QMessageBox*>();
    QCOMPARE(boxes.size(), 1);
    QVERIFY2(boxes.front()->text().front().isUpper(), qPrintable(boxes.front()->text()));
    ddpm::test::closeMessageBoxes(page.get());
}

void TestBoundPage::customFileSetsT()
{
    // 200 betas: inputs, results and the run say T = 200, whatever T the choice carried.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("betas200.txt"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 200; ++i)
        file.write(QByteArray::number(0.0001 + 0.0001 * i) + '\n');
    file.close();
    auto page = smallPage();
    page->setSchedule(schedule(QStringLiteral("custom:") + path, 1000));
    QCOMPARE(page->currentSettings().schedule.steps, 200);
    bool shown = false;
    for (QLabel* label : page->findChildren<QLabel*>())
        if (label->text().startsWith(QStringLiteral("custom (betas200.txt)"))) {
            shown = true;
            QVERIFY2(label->text().contains(QStringLiteral("T = 200")), qPrintable(label->text()));
        }
    QVERIFY(shown);
    QVERIFY(evaluateAndWait(*page));
    QCOMPARE(page->result().steps, 200);
    QCOMPARE(static_cast<int>(page->result().termsBpd.size()), 200);
    auto* results = page->findChild<QLabel*>(QStringLiteral("resultsLabel"));
    QVERIFY(results->text().contains(QStringLiteral("T = 200")));
    QVERIFY(!results->text().contains(QStringLiteral("T = 1000")));
}

void TestBoundPage::exportsCsv()
{
    auto page = smallPage();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("bound.csv"));
    QVERIFY(!page->exportCsv(path)); // nothing to export yet
    QVERIFY(evaluateAndWait(*page));
    QVERIFY(page->exportCsv(path));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 101);
    QCOMPARE(lines.first(), QStringLiteral("t,bpd,l_simple,weight"));
    const BoundReport& r = page->result();
    for (int t : {1, 2, 50, 100}) {
        const QStringList cells = lines.at(t).split(QLatin1Char(','));
        QCOMPARE(cells.size(), 4);
        QCOMPARE(cells.at(0).toInt(), t);
        QCOMPARE(cells.at(1).toDouble(), r.termsBpd[t - 1]);
        QCOMPARE(cells.at(2).toDouble(), r.lSimple[t - 1]);
        QCOMPARE(cells.at(3).toDouble(), r.weights[t - 1]);
    }
}

void TestBoundPage::exportsPng()
{
    auto page = smallPage();
    page->resize(1200, 800);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bound.png"));
    QVERIFY(!page->exportPng(path));
    QVERIFY(evaluateAndWait(*page));
    QVERIFY(page->exportPng(path));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 100 && image.height() > 100);
    // The settings and totals travel with the figure: a caption line and PNG text.
    const QString caption = image.text(QStringLiteral("Description"));
    QCOMPARE(caption, page->figureCaption());
    for (const QString& part : {QStringLiteral("card.png"), QStringLiteral("16 × 16"), QStringLiteral("linear, T = 100"),
                                QStringLiteral("seed 0"), QStringLiteral("total = ")})
        QVERIFY2(caption.contains(part), qPrintable(part + QStringLiteral(" not in ") + caption));
    QVERIFY(caption.contains(QString::number(page->result().totalBpd, 'g', 6)));
}

void TestBoundPage::autoRunsOnFirstShowAndReadsOutOnHover()
{
    auto page = smallPage();
    page->resize(1200, 800);
    QSignalSpy finished(page.get(), &BoundPage::evaluationFinished);
    page->show(); // the zero model at 16 x 16 is cheap: the first show evaluates once by itself
    QVERIFY(finished.wait(kWait));
    QVERIFY(page->hasResult());

    QCustomPlot* plot = page->termsPlot();
    plot->replot();
    const QPointF at(plot->xAxis->coordToPixel(50), plot->yAxis->axisRect()->center().y());
    QMouseEvent move(QEvent::MouseMove, at, plot->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(plot, &move);
    auto* hover = page->findChild<QLabel*>(QStringLiteral("hoverLabel"));
    QVERIFY(hover != nullptr);
    QVERIFY2(hover->text().startsWith(QStringLiteral("t = 50:")), qPrintable(hover->text()));
    QVERIFY(hover->text().contains(QString::number(page->result().termsBpd[49], 'g', 6)));
}

void TestBoundPage::settingsRoundTrip()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    {
        BoundPage page;
        page.setSamples(5);
        page.setResolution(28);
        page.setLargeVariance(true);
        page.setClipDenoised(true);
        page.setSeed(1234);
        page.saveSettings(settings);
    }
    BoundPage restored;
    QCOMPARE(restored.currentSettings().samples, 1);
    restored.restoreSettings(settings);
    const auto s = restored.currentSettings();
    QCOMPARE(s.samples, 5);
    QCOMPARE(s.resolution, 28);
    QVERIFY(s.largeVariance);
    QVERIFY(s.clipDenoised);
    QCOMPARE(s.seed, 1234ULL);
    QCOMPARE(s.modelSpec, QStringLiteral("zero"));
    QVERIFY(settings.allKeys().contains(QStringLiteral("bound/samples")));
}

void TestBoundPage::destroyWhileRunning()
{
    auto page = smallPage();
    page->setSchedule(schedule(QStringLiteral("linear"), 20000));
    page->setSamples(8);
    page->setResolution(64);
    QSignalSpy progress(page.get(), &BoundPage::evaluationProgress);
    page->evaluate();
    QVERIFY(progress.wait(kWait));
    QVERIFY(page->isRunning());
    page.reset(); // must stop the job and join the thread, not hang or crash
    QVERIFY(!page);
}

QTEST_MAIN(TestBoundPage)
#include "test_bound_page.moc"
