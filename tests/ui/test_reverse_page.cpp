// The Reverse chain page offscreen: the gaussians8 oracle sampled with DDIM on 20 steps (the
// particles, the arrows, the charts); an image oracle's chain (x_t, the predicted x_0 and the
// noise, the batch grid); the slider, the arrow keys and Play change the frame; the strip,
// the view and an animation are written and readable; Cancel keeps the steps so far; a bad
// checkpoint or a bad spacing is reported and changes nothing; settings persist.
#include <QtTest>

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QTemporaryDir>

#include <cmath>
#include <memory>

#include "jobs/sampling_job.h"
#include "pages/reverse_page.h"
#include "toy_chain.h"
#include "ui_test_support.h"
#include "widgets/chain_plots.h"
#include "widgets/chain_scrubber.h"
#include "widgets/particle_view.h"
#include "widgets/sampling_options.h"

using ddpm::ui::ReversePage;

namespace {

using ddpm::test::kWait;

bool runAndWait(ReversePage& page)
{
    QSignalSpy finished(&page, &ReversePage::runFinished);
    page.run();
    return finished.wait(kWait);
}

/// The oracle of three 12 x 12 bar images written to dir (toy_chain.h).
QString writeImages(const QTemporaryDir& dir)
{
    return ddpm::test::writeBarImages(dir.path());
}

QPushButton* button(const ReversePage& page, const char* name)
{
    auto* b = page.findChild<QPushButton*>(QLatin1String(name));
    if (b == nullptr)
        qFatal("no button %s", name);
    return b;
}

} // namespace

class TestReversePage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_reverse_page")); }

    void toyOracleChain()
    {
        ReversePage page;
        page.resize(1300, 850);
        page.show();
        QVERIFY(ddpm::test::chooseToyChain(page));
        QVERIFY(!page.hasChain());
        QVERIFY(!button(page, "exportStrip")->isEnabled());
        QVERIFY(runAndWait(page));
        QVERIFY(page.chainComplete());
        QVERIFY(!page.isRunning());
        QVERIFY(button(page, "exportStrip")->isEnabled());

        const ddpm::ui::ChainInfo& info = page.chainInfo();
        QCOMPARE(info.chainSteps(), 20);
        QCOMPARE(info.originalSteps, 1000);
        QCOMPARE(info.timesteps.back(), 1000); // "20": both ends kept
        QCOMPARE(info.timesteps.front(), 1);
        QCOMPARE(info.itemShape, QVector<qint64>{2});
        QVERIFY(!info.dataX.empty()); // the mixture drawn behind the particles
        QCOMPARE(page.frameCount(), 21); // x_T .. x_1 and the final sample
        QCOMPARE(page.scrubber()->count(), 21);
        // The slider followed the chain to its end: the final samples are shown.
        QCOMPARE(page.shownIndex(), 20);
        QCOMPARE(page.scrubber()->currentStep(), 0);
        QCOMPARE(page.particleView()->particleCount(), 64);
        QCOMPARE(page.particleView()->arrowCount(), 0); // the final sample has no predicted noise
        // One statistics point per step and one for the final sample; x_T has std about 1.
        QCOMPARE(page.plots()->pointCount(), 21);

        page.scrubber()->setIndex(10);
        QCOMPARE(page.shownIndex(), 10);
        QVERIFY(page.particleView()->arrowCount() > 0);
        QCOMPARE(page.scrubber()->currentT(), info.timesteps[page.scrubber()->currentStep() - 1]);
        QVERIFY(page.figureCaption().contains(QStringLiteral("DDIM")));
        QVERIFY(page.figureCaption().contains(QStringLiteral("toy:gaussians8")));
    }

    // Under a tight memory bound only every k-th step is stored; once the chain is done the
    // scrubber still walks every step, and a step between stored ones is recomputed by the
    // worker, the same as a chain that stored everything.
    void stepsBetweenStoredFramesAreRecomputed()
    {
        QTemporaryDir dir;
        const QString spec = writeImages(dir);
        const auto chainOf = [&](ReversePage& page, qint64 budget) {
            page.resize(1300, 850);
            page.show();
            QVERIFY(page.options()->setModelSpec(spec));
            page.options()->setSampler(QStringLiteral("ddpm"));
            page.options()->setSpacing(QStringLiteral("20"));
            page.options()->setSeed(7);
            page.options()->setBatch(4);
            page.setFrameBudget(budget);
            QVERIFY(runAndWait(page));
        };
        ReversePage full;
        chainOf(full, 0);
        QCOMPARE(full.chainInfo().stride, 1);
        ReversePage bounded;
        chainOf(bounded, 20000); // 3 x 4 x 144 bytes a frame: about 5 frames fit
        QVERIFY2(bounded.chainInfo().stride > 1, qPrintable(QString::number(bounded.chainInfo().stride)));
        QVERIFY(bounded.frameCount() < 21);
        QCOMPARE(bounded.scrubber()->count(), 21); // every step K..0
        QCOMPARE(bounded.scrubber()->currentStep(), 0);

        for (int index : {3, 4, 19}) {
            const int step = 20 - index;
            QSignalSpy recomputed(&bounded, &ReversePage::frameRecomputed);
            bounded.scrubber()->setIndex(index);
            QVERIFY(!bounded.shownFrameExact()); // the nearest stored frame until the step arrives
            QVERIFY(recomputed.wait(kWait));
            QCOMPARE(recomputed.first().first().toInt(), step);
            QVERIFY(bounded.shownFrameExact());
            QCOMPARE(bounded.shownFrame().step, step);
            full.scrubber()->setIndex(index);
            QCOMPARE(full.shownFrame().step, step);
            QCOMPARE(bounded.shownFrame().xt, full.shownFrame().xt);
            QCOMPARE(bounded.shownFrame().x0, full.shownFrame().x0);
            QCOMPARE(bounded.xtImage(), full.xtImage());
        }
        // A stored step shows at once.
        bounded.scrubber()->setIndex(0);
        QVERIFY(bounded.shownFrameExact());
        QCOMPARE(bounded.shownFrame().step, 20);
        full.scrubber()->setIndex(0);
        QCOMPARE(bounded.shownFrame().xt, full.shownFrame().xt);
    }

    void sliderKeysAndPlayChangeTheFrame()
    {
        QTemporaryDir dir;
        ReversePage page;
        page.resize(1300, 850);
        page.show();
        QVERIFY(page.options()->setModelSpec(writeImages(dir)));
        page.options()->setSampler(QStringLiteral("ddim"));
        page.options()->setSpacing(QStringLiteral("20"));
        page.options()->setBatch(6);
        QVERIFY(runAndWait(page));
        QVERIFY(page.chainInfo().images());
        QCOMPARE(page.frameCount(), 21);

        // x_T: noise; the end: one of the three images, exactly (the oracle memorises).
        QSignalSpy shown(&page, &ReversePage::frameShown);
        page.scrubber()->slider()->setValue(0);
        QCOMPARE(shown.count(), 1);
        QCOMPARE(page.shownIndex(), 0);
        const QImage first = page.xtImage();
        QCOMPARE(first.size(), QSize(12, 12));
        QVERIFY(!page.x0Image().isNull());
        QVERIFY(!page.epsImage().isNull());
        QVERIFY(!page.gridImage().isNull());
        QVERIFY(page.gridImage().width() > 2 * 12); // the batch of 6 in 3 columns
        page.scrubber()->slider()->setValue(page.frameCount() - 1);
        const QImage last = page.xtImage();
        QVERIFY(last != first);
        QVERIFY(page.x0Image().isNull()); // the final sample has no prediction
        int bright = 0;
        for (int x = 0; x < 12; ++x)
            for (int y = 0; y < 12; ++y)
                bright += qGray(last.pixel(x, y)) > 200;
        QCOMPARE(bright, 12); // one bar of 12 pixels

        // Another sample of the batch, the same t.
        page.setSelectedItem(3);
        QCOMPARE(page.selectedItem(), 3);

        // Arrow keys step one stored frame.
        page.scrubber()->setIndex(5);
        QTest::keyClick(page.scrubber()->slider(), Qt::Key_Right);
        QCOMPARE(page.shownIndex(), 6);
        QTest::keyClick(page.scrubber()->slider(), Qt::Key_Left);
        QTest::keyClick(page.scrubber()->slider(), Qt::Key_Left);
        QCOMPARE(page.shownIndex(), 4);
        QTest::keyClick(page.scrubber()->slider(), Qt::Key_End);
        QCOMPARE(page.shownIndex(), 20);

        // Play from the end starts again at x_T and advances on its own.
        page.scrubber()->setSpeed(100);
        page.scrubber()->play();
        QVERIFY(page.scrubber()->isPlaying());
        QVERIFY(page.shownIndex() <= 1);
        QTRY_VERIFY_WITH_TIMEOUT(page.shownIndex() >= 3, 5000);
        page.scrubber()->pause();
        QVERIFY(!page.scrubber()->isPlaying());
        const int paused = page.shownIndex();
        QTest::qWait(100);
        QCOMPARE(page.shownIndex(), paused);
    }

    void exportsReadableFiles()
    {
        QTemporaryDir images;
        QTemporaryDir out;
        ReversePage page;
        page.resize(1300, 850);
        page.show();
        QVERIFY(page.options()->setModelSpec(writeImages(images)));
        page.options()->setSpacing(QStringLiteral("10"));
        page.options()->setBatch(4);
        page.options()->setSeed(3);
        QVERIFY(runAndWait(page));

        // The strip: x_t above the predicted x_0 at the chosen t, the settings as PNG text.
        const QString strip = out.filePath(QStringLiteral("strip.png"));
        QVERIFY(page.exportStripPng(strip, {1000, 500, 1}));
        QImageReader reader(strip);
        const QImage image = reader.read();
        QVERIFY2(!image.isNull(), qPrintable(reader.errorString()));
        QVERIFY(image.width() >= 3 * 84); // three columns of enlarged tiles, two rows
        QVERIFY(image.height() >= 2 * 84);
        QVERIFY(image.text(QStringLiteral("Description")).contains(QStringLiteral("seed 3")));
        // Eight evenly spaced columns by default: wider.
        const QString strip8 = out.filePath(QStringLiteral("strip8.png"));
        QVERIFY(page.exportStripPng(strip8));
        QVERIFY(QImage(strip8).width() > image.width());

        const QString view = out.filePath(QStringLiteral("view.png"));
        QVERIFY(page.exportViewPng(view));
        QVERIFY(!QImage(view).isNull());

        const QString gif = out.filePath(QStringLiteral("chain.gif"));
        QSignalSpy written(&page, &ReversePage::animationExported);
        QVERIFY(page.exportAnimation(gif));
        QVERIFY(written.wait(kWait));
        QFile file(gif);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(4) == QByteArray("GIF8"));

        // A name that is no animation is refused with a message.
        QVERIFY(!page.exportAnimation(out.filePath(QStringLiteral("chain.txt"))));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 1);
    }

    void cancelKeepsTheStepsSoFar()
    {
        ReversePage page;
        // A long chain: the 2,000-point moons oracle, DDPM on all 1000 steps, 2000 particles.
        QVERIFY(page.options()->setModelSpec(QStringLiteral("oracle:toy:moons")));
        page.options()->setSampler(QStringLiteral("ddpm"));
        page.options()->setSpacing(QString());
        page.options()->setBatch(2000);
        QSignalSpy progress(&page, &ReversePage::runProgress);
        QSignalSpy cancelled(&page, &ReversePage::runCancelled);
        QSignalSpy finished(&page, &ReversePage::runFinished);
        page.run();
        QVERIFY(page.isRunning());
        QVERIFY(button(page, "cancel")->isEnabled());
        // Frames are shown while the chain is computed.
        QTRY_VERIFY_WITH_TIMEOUT(page.frameCount() >= 1, kWait);
        QVERIFY(page.isRunning());
        QVERIFY(page.shownIndex() >= 0);
        QVERIFY(progress.count() >= 1);
        page.cancel();
        QVERIFY(cancelled.wait(kWait));
        QCOMPARE(finished.count(), 0);
        QVERIFY(!page.isRunning());
        QVERIFY(!page.chainComplete());
        QVERIFY(page.frameCount() >= 1);
        QVERIFY(page.frameCount() < 1001);
        QVERIFY(!button(page, "cancel")->isEnabled());
        QVERIFY(button(page, "run")->isEnabled());
        QVERIFY(page.figureCaption().contains(QStringLiteral("Incomplete")));
    }

    void errorsKeepTheState()
    {
        ReversePage page;
        QVERIFY(ddpm::test::chooseToyChain(page));
        QVERIFY(runAndWait(page));
        const int frames = page.frameCount();
        const ddpm::ui::SamplingSettings before = page.options()->settings();

        // A checkpoint that does not exist: a message, the model choice stays.
        QVERIFY(!page.options()->setModelSpec(QStringLiteral("/no/such/model.ckpt")));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 1);
        QCOMPARE(page.options()->settings().modelSpec, before.modelSpec);
        QCOMPARE(page.frameCount(), frames);
        QCOMPARE(page.options()->findChild<QComboBox*>(QStringLiteral("model"))->currentData().toString(),
                 before.modelSpec);

        // A spacing core refuses: the worker fails, the chain shown stays.
        page.options()->setSpacing(QStringLiteral("7,x"));
        QSignalSpy failed(&page, &ReversePage::runFailed);
        page.run();
        QVERIFY(failed.wait(kWait));
        QVERIFY(!failed.first().at(0).toString().isEmpty());
        QVERIFY(!page.isRunning());
        QCOMPARE(page.frameCount(), frames);
        QVERIFY(page.chainComplete());
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 1);
    }

    void offeredModelIsNotChosen()
    {
        ReversePage page;
        auto* model = page.options()->findChild<QComboBox*>(QStringLiteral("model"));
        const QString chosen = model->currentData().toString();
        page.offerModel(QStringLiteral("/tmp/some-run"), QStringLiteral("Trained: some-run"));
        const int offered = model->findData(QStringLiteral("/tmp/some-run"));
        QVERIFY(offered >= 0);
        QCOMPARE(model->itemText(offered), QStringLiteral("Trained: some-run"));
        QCOMPARE(model->currentData().toString(), chosen);
    }

    void settingsRoundTrip()
    {
        ddpm::ui::SamplingSettings saved;
        {
            ReversePage page;
            page.options()->setSampler(QStringLiteral("ddpm"));
            page.options()->setSpacing(QStringLiteral("trailing:50"));
            page.options()->setVariance(QStringLiteral("large"));
            page.options()->setClipDenoised(true);
            page.options()->setSeed(42);
            page.options()->setBatch(100);
            page.scrubber()->setSpeed(10);
            saved = page.options()->settings();
            QSettings settings;
            page.saveSettings(settings);
        }
        ReversePage page;
        QSettings settings;
        page.restoreSettings(settings);
        QVERIFY(page.options()->settings() == saved);
        QCOMPARE(page.options()->settings().variance, QStringLiteral("large"));
        QCOMPARE(page.scrubber()->speed(), 10.0);
    }

    void destroyWhileRunning()
    {
        auto page = std::make_unique<ReversePage>();
        QVERIFY(page->options()->setModelSpec(QStringLiteral("oracle:toy:moons")));
        page->options()->setSampler(QStringLiteral("ddpm"));
        page->options()->setSpacing(QString());
        page->options()->setBatch(2000);
        QSignalSpy progress(page.get(), &ReversePage::runProgress);
        page->run();
        QVERIFY(progress.wait(kWait));
        page.reset(); // stops the chain and joins the thread
    }
};

QTEST_MAIN(TestReversePage)
#include "test_reverse_page.moc"
