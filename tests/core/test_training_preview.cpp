// EMA previews of a training run (training_preview.h): K DDIM steps walk K sampler steps and
// DDPM all T; the DDPM preview is Algorithm 2 with the run's seed rule, as before the choice
// existed; a preview is a function of the settings and the step; a K over T is refused, and
// resuming may change K.
#include <ATen/ATen.h>

#include <QTest>

#include <atomic>
#include <string>

#include "ddpm/error.h"
#include "ddpm/rng.h"
#include "ddpm/sampler.h"
#include "ddpm/trainer.h"
#include "ddpm/training_preview.h"
#include "tiny_data.h"
#include "tiny_runs.h"

namespace {

ddpm::TrainConfig toyConfig(int sampleSteps)
{
    ddpm::TrainConfig c = ddpm::test::tinyMlpConfig(50);
    c.batch = 32;
    c.steps = 100;
    c.seed = 5;
    c.sampleSteps = sampleSteps;
    return c;
}

ddpm::TrainingData toyData() { return ddpm::test::firstItems(toyConfig(0), 512); }

/// A toy trainer after a few steps, so the EMA differs from the initial net.
std::unique_ptr<ddpm::Trainer> trained(int sampleSteps, int steps = 3)
{
    auto t = std::make_unique<ddpm::Trainer>(toyConfig(sampleSteps), toyData());
    for (int i = 0; i < steps; ++i)
        t->step();
    return t;
}

/// The sampler steps a preview walks: the total its progress reports, and how many steps it reported.
struct Walk {
    long long total = -1;
    int reports = 0;
};

ddpm::PreviewSamples sampleCounting(ddpm::Trainer& t, Walk& walk)
{
    return ddpm::samplePreview(t, nullptr, [&](long long, long long total) {
        walk.total = total;
        ++walk.reports;
    });
}

} // namespace

class TestTrainingPreview : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ddimWalksKSteps()
    {
        auto t = trained(10);
        Walk walk;
        const ddpm::PreviewSamples p = sampleCounting(*t, walk);
        QCOMPARE(walk.total, 10LL);
        QCOMPARE(walk.reports, 11); // 0 of 10, then each step
        QCOMPARE(p.step, 3LL);
        QCOMPARE(p.samples.size(0), ddpm::kPreviewPoints);
        QCOMPARE(p.samples.size(1), std::int64_t(2));
        QVERIFY(!p.picture.empty());
        QCOMPARE(QString::fromStdString(p.chain), QStringLiteral("DDIM, eta = 0 on 10 of 50 steps"));
        QVERIFY(at::isfinite(p.samples).all().item<bool>());
    }

    void ddpmIsAlgorithmTwoOnAllSteps()
    {
        auto t = trained(0);
        Walk walk;
        const ddpm::PreviewSamples p = sampleCounting(*t, walk);
        QCOMPARE(walk.total, 50LL);
        QCOMPARE(walk.reports, 51);
        // What the previews were before the choice: Algorithm 2 on the trainer's diffusion with
        // the small variance, x_T and noise from seed + 7919 step.
        ddpm::SamplerOptions options;
        options.clipDenoised = false;
        ddpm::DdpmSampler sampler(t->diffusion(), t->emaModel(), options);
        ddpm::Rng rng(5 + 7919u * 3);
        const at::Tensor expected = sampler.sample({ddpm::kPreviewPoints, 2}, rng);
        QVERIFY(at::equal(p.samples, expected));
    }

    void sameSettingsAndStepSameSamples()
    {
        auto a = trained(10), b = trained(10);
        const at::Tensor first = ddpm::samplePreview(*a).samples;
        QVERIFY(at::equal(first, ddpm::samplePreview(*a).samples)); // sampling leaves the run alone
        QVERIFY(at::equal(first, ddpm::samplePreview(*b).samples)); // another trainer, same run
        QCOMPARE(ddpm::samplePreview(*a).picture.pixels, ddpm::samplePreview(*b).picture.pixels);
        // Another step draws other noise; the other chain other samples.
        b->step();
        QVERIFY(!at::equal(first, ddpm::samplePreview(*b).samples));
        QVERIFY(!at::equal(first, ddpm::samplePreview(*trained(0)).samples));
        QCOMPARE(ddpm::previewSeed(toyConfig(0), 4), std::uint64_t(5 + 7919 * 4));
    }

    void imagesGiveAGrid()
    {
        const ddpm::TrainingData d = ddpm::test::grayImages();
        ddpm::TrainConfig c = toyConfig(4);
        c.data = "images"; // not loaded: the data is given
        c.model = "unet";
        c.preset = "tiny";
        c.sampleCount = 4;
        ddpm::Trainer t(c, d);
        const ddpm::PreviewSamples p = ddpm::samplePreview(t);
        QCOMPARE(p.samples.sizes().vec(), (std::vector<std::int64_t>{4, 1, 8, 8}));
        QVERIFY(p.samples.abs().max().item<double>() <= 1.0 + 1e-6); // x_0 clipped at the last step
        QVERIFY(p.picture.width >= 256 && p.picture.height == p.picture.width);
        const ddpm::SamplingSpec spec = ddpm::previewSamplingSpec(c, t.parameterization(), true);
        QCOMPARE(QString::fromStdString(spec.sampler + " " + spec.spacing), QStringLiteral("ddim 4"));
        QVERIFY(spec.clipDenoised);
    }

    void stopFlagCancels()
    {
        auto t = trained(10, 1);
        std::atomic<bool> stop{true};
        QVERIFY_THROWS_EXCEPTION(ddpm::Cancelled, ddpm::samplePreview(*t, &stop));
    }

    void stepsOverTRefused()
    {
        try {
            ddpm::Trainer t(toyConfig(51), toyData());
            QFAIL("51 steps of T = 50 accepted");
        } catch (const ddpm::Error& e) {
            QVERIFY2(std::string(e.what()).find("sample steps 51 is outside 0..50") != std::string::npos, e.what());
        }
        // Resuming may change K (within 0..T); the rest of the run is untouched.
        auto t = trained(10, 1);
        QVERIFY_THROWS_EXCEPTION(ddpm::Error, t->setSampleSteps(60));
        QVERIFY_THROWS_EXCEPTION(ddpm::Error, t->setSampleSteps(-1));
        QCOMPARE(t->config().sampleSteps, 10);
        t->setSampleSteps(0);
        QCOMPARE(t->config().sampleSteps, 0);
        Walk walk;
        sampleCounting(*t, walk);
        QCOMPARE(walk.total, 50LL);
    }
};

QTEST_GUILESS_MAIN(TestTrainingPreview)
#include "test_training_preview.moc"
