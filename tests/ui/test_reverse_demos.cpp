// The Reverse chain page's demonstrations offscreen: side by side (the gaussians8 oracle,
// DDIM eta 0 against DDPM from the same x_T; the scrubber moves both by fraction), and on an
// image oracle of three 12 x 12 pictures (bands) with T = 50: Fig. 6 from the recorded chain, Fig. 7
// (every sample is a data image; DDPM whatever the page's sampler, so the samples from x_T differ,
// and its title and caption say so), Fig. 8 (its ends are the two images), Fig. 5 (the rate
// grows as t falls, the distortion shrinks to 0), the PNG export with its caption, Cancel,
// and an error that keeps the last result.
#include <QtTest>

#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTabWidget>

#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "ddpm/image.h"
#include "jobs/demo_job.h"
#include "pages/reverse_page.h"
#include "schedule_choice.h"
#include "toy_chain.h"
#include "ui_test_support.h"
#include "widgets/chain_scrubber.h"
#include "widgets/demo_view.h"
#include "widgets/rate_distortion_plot.h"
#include "widgets/sampling_options.h"

using ddpm::ui::DemoKind;
using ddpm::ui::ReversePage;

namespace {

using ddpm::test::kWait;

/// The 12 x 12 gray picture with a bright band over rows 4 i .. 4 i + 3: far apart enough that
/// x_t at half the chain still tells the oracle which image it came from.
ddpm::Image barImage(int i)
{
    ddpm::Image image;
    image.width = image.height = 12;
    image.channels = 1;
    image.pixels.assign(144, 20);
    for (int y = 4 * i; y < 4 * i + 4; ++y)
        for (int x = 0; x < 12; ++x)
            image.at(y, x, 0) = 240;
    return image;
}

QString writeImages(const QTemporaryDir& dir)
{
    for (int i = 0; i < 3; ++i)
        ddpm::savePng(barImage(i), dir.filePath(QStringLiteral("img%1.png").arg(i)).toStdString());
    return QStringLiteral("oracle:folder:") + dir.path();
}

/// Which of the three bar images a tile (enlarged by a whole factor) shows, -1 for none.
int whichBar(const ddpm::Image& tile)
{
    if (tile.width % 12 != 0 || tile.width != tile.height)
        return -1;
    const int f = tile.width / 12;
    for (int i = 0; i < 3; ++i) {
        const ddpm::Image bar = barImage(i);
        bool same = true;
        for (int y = 0; y < 12 && same; ++y)
            for (int x = 0; x < 12 && same; ++x)
                same = std::abs(int(tile.at(y * f, x * f, 0)) - int(bar.at(y, x, 0))) <= 2;
        if (same)
            return i;
    }
    return -1;
}

bool runAndWait(ReversePage& page)
{
    QSignalSpy finished(&page, &ReversePage::runFinished);
    page.run();
    return finished.wait(kWait);
}

bool demoAndWait(ReversePage& page, DemoKind kind)
{
    QSignalSpy finished(&page, &ReversePage::demoFinished);
    page.runDemo(kind);
    return finished.count() > 0 || finished.wait(kWait);
}

/// The image oracle on a linear schedule with T = 50, DDIM on every step, 4 samples, seed 2.
void imageSettings(ReversePage& page, const QString& spec)
{
    QVERIFY(page.options()->setModelSpec(spec));
    ddpm::ui::ScheduleChoice schedule;
    schedule.steps = 50;
    page.options()->setOracleSchedule(schedule);
    page.options()->setSampler(QStringLiteral("ddim"));
    page.options()->setSpacing(QString());
    page.options()->setEta(0.0);
    page.options()->setBatch(4);
    page.options()->setSeed(2);
}

} // namespace

class TestReverseDemos : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_reverse_demos")); }

    void comparedSettingsFlipOneChoice()
    {
        ddpm::ui::SamplingSettings s;
        s.sampler = QStringLiteral("ddim");
        s.spacing = QStringLiteral("20");
        auto [a, b] = ddpm::ui::comparedSettings(s, ddpm::ui::Comparison::Sampler);
        QCOMPARE(a, s);
        QCOMPARE(b.sampler, QStringLiteral("ddpm"));
        QCOMPARE(b.spacing, s.spacing);
        std::tie(a, b) = ddpm::ui::comparedSettings(s, ddpm::ui::Comparison::Steps);
        QCOMPARE(b.spacing, QString());
        std::tie(a, b) = ddpm::ui::comparedSettings(s, ddpm::ui::Comparison::Variance);
        QCOMPARE(a.sampler, QStringLiteral("ddpm"));
        QCOMPARE(a.variance, QStringLiteral("small"));
        QCOMPARE(b.variance, QStringLiteral("large"));
        QCOMPARE(b.seed, a.seed);
    }

    void sharingXtSamplesWithDdpm()
    {
        ddpm::ui::SamplingSettings page; // the page's default: DDIM, eta 0, on 50 steps
        page.spacing = QStringLiteral("20");
        page.variance = QStringLiteral("large");
        page.seed = 7;
        const ddpm::ui::SamplingSettings fig7 = ddpm::ui::sharingXtSettings(page);
        QCOMPARE(fig7.sampler, QStringLiteral("ddpm"));
        QCOMPARE(fig7.spacing, page.spacing);
        QCOMPARE(fig7.variance, page.variance);
        QCOMPARE(fig7.seed, page.seed);
        QVERIFY(ddpm::ui::sharingXtSamplerText(page).contains(QStringLiteral("DDPM")));
        QVERIFY(ddpm::ui::sharingXtSamplerText(page).contains(QStringLiteral("DDIM, eta 0")));
        page.sampler = QStringLiteral("ddpm");
        QVERIFY(!ddpm::ui::sharingXtSamplerText(page).contains(QStringLiteral("DDIM")));
    }

    void sideBySideFromTheSameXT()
    {
        ReversePage page;
        page.resize(1300, 850);
        page.show();
        QVERIFY(ddpm::test::chooseToyChain(page));
        page.setComparison(ddpm::ui::Comparison::Sampler);
        QVERIFY(demoAndWait(page, DemoKind::SideBySide));
        const ddpm::ui::DemoResult& r = page.demoView()->result();
        QCOMPARE(r.kind, DemoKind::SideBySide);
        QVERIFY(r.left.title.contains(QStringLiteral("DDIM")));
        QVERIFY(r.right.title.contains(QStringLiteral("DDPM")));
        QCOMPARE(r.left.pictures.size(), std::size_t(21)); // x_T .. x_1 and the samples
        QCOMPARE(r.right.pictures.size(), std::size_t(21));
        QCOMPARE(r.left.ts.front(), 1000);
        QCOMPARE(r.left.ts.back(), 0);
        // The same x_T, two different sample sets.
        QVERIFY(r.left.pictures.front().pixels == r.right.pictures.front().pixels);
        QVERIFY(r.left.pictures.back().pixels != r.right.pictures.back().pixels);
        QVERIFY(page.findChild<QTabWidget*>(QStringLiteral("reverseTabs"))->currentWidget() == page.demoView());
        QTemporaryDir out;
        const QString path = out.filePath(QStringLiteral("side.png"));
        QVERIFY(page.demoView()->exportPng(path));
        const QImage written(path);
        QVERIFY(written.width() > 2 * 320); // both pictures
        QVERIFY(written.text(QStringLiteral("Description")).contains(QStringLiteral("same x_T")));

        // The scrubber moves both, by fraction of the chain.
        QVERIFY(runAndWait(page));
        page.scrubber()->setIndex(0);
        QCOMPARE(page.demoView()->fraction(), 0.0);
        QVERIFY(!page.demoView()->leftImage().isNull());
        QCOMPARE(page.demoView()->leftImage(), page.demoView()->rightImage());
        page.scrubber()->setIndex(page.frameCount() - 1);
        QCOMPARE(page.demoView()->fraction(), 1.0);
        QVERIFY(page.demoView()->leftImage() != page.demoView()->rightImage());
    }

    void paperFiguresOnAnImageOracle()
    {
        QTemporaryDir images;
        QTemporaryDir out;
        ReversePage page;
        page.resize(1300, 850);
        page.show();
        imageSettings(page, writeImages(images));

        // Fig. 6 needs a recorded chain of images.
        QVERIFY(!page.showProgressive());
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 1);
        QVERIFY(runAndWait(page));
        QVERIFY(page.showProgressive());
        const QImage progressive = page.demoView()->figureImage();
        QVERIFY(progressive.width() >= 8 * 64);   // 8 columns of t
        QVERIFY(progressive.height() >= 4 * 64);  // 4 samples

        // Fig. 7: rows at 25, 50, 75 and 100 % of the 50 steps; every sample is a data image.
        QVERIFY(demoAndWait(page, DemoKind::SharingXt));
        const ddpm::ui::DemoResult fig7 = page.demoView()->result();
        QCOMPARE(fig7.kind, DemoKind::SharingXt);
        QCOMPARE(fig7.rowTs, (QVector<int>{13, 25, 38, 50}));
        QCOMPARE(fig7.tiles.size(), std::size_t(4));
        for (const auto& row : fig7.tiles) {
            QCOMPARE(row.size(), std::size_t(4));
            for (const ddpm::Image& tile : row)
                QVERIFY(whichBar(tile) >= 0);
        }
        // The page's DDIM at eta 0 would give four equal samples per row; Fig. 7 samples with DDPM,
        // so from x_T (the last row) they differ, and its title and caption name that sampler.
        const auto& fromXT = fig7.tiles.back();
        QVERIFY(std::any_of(fromXT.begin() + 1, fromXT.end(),
                            [&](const ddpm::Image& tile) { return tile.pixels != fromXT.front().pixels; }));
        QVERIFY(fig7.title.contains(QStringLiteral("DDPM ancestral steps")));
        QVERIFY(fig7.caption.contains(QStringLiteral("sampled with DDPM ancestral steps")));
        QVERIFY(fig7.caption.contains(QStringLiteral("not the page's DDIM, eta 0")));
        QVERIFY(fig7.caption.contains(QStringLiteral("DDPM"))); // the plan's own description
        QVERIFY(page.demoView()->findChild<QLabel*>(QStringLiteral("demoTitle"))->text().contains(QStringLiteral("DDPM")));
        QVERIFY(!page.demoView()->figureImage().isNull());
        const QString fig7Path = out.filePath(QStringLiteral("fig7.png"));
        QVERIFY(page.demoView()->exportPng(fig7Path));
        QVERIFY(QImage(fig7Path).text(QStringLiteral("Description")).contains(QStringLiteral("Fig. 7")));

        // Fig. 8: nine lambdas; the ends decode to the two images.
        QVERIFY(demoAndWait(page, DemoKind::Interpolation));
        const ddpm::ui::DemoResult fig8 = page.demoView()->result();
        QCOMPARE(fig8.tiles.size(), std::size_t(1));
        QCOMPARE(fig8.tiles[0].size(), std::size_t(9));
        QCOMPARE(whichBar(fig8.tiles[0].front()), 0);
        QCOMPARE(whichBar(fig8.tiles[0].back()), 1);
        QCOMPARE(fig8.rowTs.front(), 25);

        // Fig. 5: the rate grows as t falls, and x_0 itself costs the whole bound at no distortion.
        QVERIFY(demoAndWait(page, DemoKind::RateDistortion));
        const ddpm::ui::DemoResult fig5 = page.demoView()->result();
        QCOMPARE(fig5.rate.size(), 25); // 24 t and t = 0
        QCOMPARE(fig5.rate.front().t, 50);
        QCOMPARE(fig5.rate.back().t, 0);
        QCOMPARE(fig5.rate.back().distortion, 0.0);
        for (int i = 1; i < fig5.rate.size(); ++i) {
            QVERIFY(fig5.rate[i].t < fig5.rate[i - 1].t);
            QVERIFY2(fig5.rate[i].rateBpd >= fig5.rate[i - 1].rateBpd - 1e-9,
                     qPrintable(QStringLiteral("rate at t = %1").arg(fig5.rate[i].t)));
        }
        QVERIFY(fig5.rate.back().rateBpd > fig5.rate.front().rateBpd);
        QVERIFY(fig5.rate[fig5.rate.size() - 2].distortion < fig5.rate.front().distortion);
        QCOMPARE(page.demoView()->rateDistortion()->points().size(), 25);

        // Export: a PNG with the settings as its text.
        const QString path = out.filePath(QStringLiteral("fig5.png"));
        QVERIFY(page.demoView()->exportPng(path));
        const QImage written(path);
        QVERIFY(!written.isNull());
        QVERIFY(written.text(QStringLiteral("Description")).contains(QStringLiteral("Fig. 5")));
        QVERIFY(written.text(QStringLiteral("Description")).contains(QStringLiteral("T = 50")));
    }

    void cancelAndErrorsKeepTheLastResult()
    {
        QTemporaryDir images;
        ReversePage page;
        imageSettings(page, writeImages(images));
        QVERIFY(demoAndWait(page, DemoKind::Interpolation));

        // Cancelled at once (the bound of T = 1000 takes a while): the interpolation stays shown.
        ddpm::ui::ScheduleChoice longer;
        longer.steps = 1000;
        page.options()->setOracleSchedule(longer);
        QSignalSpy cancelled(&page, &ReversePage::demoCancelled);
        page.runDemo(DemoKind::RateDistortion);
        QVERIFY(page.isDemoRunning());
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("cancel"))->isEnabled());
        page.cancel();
        QVERIFY(cancelled.wait(kWait));
        QVERIFY(!page.isDemoRunning());
        QCOMPARE(page.demoView()->result().kind, DemoKind::Interpolation);

        // A 2-D model has no image to share x_t from: a message, the result stays.
        QVERIFY(page.options()->setModelSpec(QStringLiteral("oracle:toy:moons")));
        QSignalSpy failed(&page, &ReversePage::demoFailed);
        page.runDemo(DemoKind::SharingXt);
        QVERIFY(failed.wait(kWait));
        QVERIFY(failed.first().at(0).toString().contains(QStringLiteral("images")));
        QCOMPARE(ddpm::test::closeMessageBoxes(&page), 1);
        QCOMPARE(page.demoView()->result().kind, DemoKind::Interpolation);
    }
};

QTEST_MAIN(TestReverseDemos)
#include "test_reverse_demos.moc"
