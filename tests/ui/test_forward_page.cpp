// Forward process page, offscreen: the default image, the slider, seeds, the Markov chain,
// closed form and chain compared side by side, bad files, histogram statistics against
// theory, and settings.
#include <cmath>

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/schedule.h"
#include "image_convert.h"
#include "pages/forward_page.h"
#include "workers/forward_worker.h"
#include "ui_test_support.h"
#include "widgets/elided_label.h"
#include "widgets/forward_view.h"
#include "widgets/histogram_plot.h"
#include "widgets/image_view.h"
#include "widgets/plot.h"

#include <QApplication>
#include <QLabel>

using ddpm::ui::ElidedLabel;
using ddpm::ui::ForwardMode;
using ddpm::ui::ForwardPage;
using ddpm::ui::ScheduleChoice;

Q_DECLARE_METATYPE(ddpm::ui::ForwardMode)

namespace {

constexpr int kWaitMs = 30000;

/// Sets page to 64 pixels (short chain walks on a busy CI machine), then mode, then t.
void setSmall(ForwardPage& page, ForwardMode mode, int t)
{
    page.setResolution(64);
    page.setMode(mode);
    page.setT(t);
}

} // namespace

#define WAIT_FRAME(page) QTRY_VERIFY_WITH_TIMEOUT(!(page).isRendering(), kWaitMs)

class TestForwardPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        ddpm::test::isolateSettings(QStringLiteral("test_forward_page"));
        QVERIFY(m_dir.isValid());
        // The frames here are small: one thread avoids OpenMP barriers stalling on a busy 2-core CI box.
        ddpm::setThreadCount(1);
    }

    void opensOnTheCat()
    {
        ForwardPage page;
        QCOMPARE(page.imagePath(), ForwardPage::kDefaultImage);
        QVERIFY(!page.image().empty());
        QCOMPARE(page.image().width, 451);
        QCOMPARE(page.image().height, 300);
        QCOMPARE(page.image().channels, 3);
        WAIT_FRAME(page);
        QVERIFY(!page.xtImage().isNull());
        QCOMPARE(page.x0Image().size(), QSize(128, 128));
        QCOMPARE(page.noiseImage().size(), QSize(128, 128));
        QCOMPARE(page.stripImages().size(), 8);
        QCOMPARE(page.frame().stripSteps.front(), 0);
        QCOMPARE(page.frame().stripSteps.back(), page.schedule().steps);
    }

    void sliderChangesXt_data() { modes(); }
    void sliderChangesXt()
    {
        QFETCH(ForwardMode, mode);
        ForwardPage page;
        setSmall(page, mode, 100);
        WAIT_FRAME(page);
        const QImage before = page.xtImage();
        QCOMPARE(page.frame().t, 100);
        QSignalSpy ready(&page, &ForwardPage::frameReady);
        page.setT(600);
        QVERIFY(ready.wait(kWaitMs) || ready.count() > 0);
        WAIT_FRAME(page);
        QCOMPARE(page.frame().t, 600);
        QVERIFY(page.xtImage() != before);
        // Back to the first t: the same picture again (the chain resumes from stored states).
        page.setT(100);
        WAIT_FRAME(page);
        QCOMPARE(page.xtImage(), before);
    }

    void seedsAreReproducible_data() { modes(); }
    void seedsAreReproducible()
    {
        QFETCH(ForwardMode, mode);
        ForwardPage page;
        setSmall(page, mode, 300);
        page.setSeed(7);
        WAIT_FRAME(page);
        const QImage first = page.xtImage();
        page.setSeed(8);
        WAIT_FRAME(page);
        const QImage other = page.xtImage();
        page.setSeed(7);
        WAIT_FRAME(page);
        QCOMPARE(page.xtImage(), first);
        QVERIFY(other != first);

        ForwardPage second; // a fresh page and worker give the same frame for the same seed
        setSmall(second, mode, 300);
        second.setSeed(7);
        WAIT_FRAME(second);
        QCOMPARE(second.xtImage(), first);
    }

    void workerChainMatchesCoreQSampleChain()
    {
        // The GUI's resumable walk and core's qSampleChain (what `ddpm noise --chain` runs) give
        // the same x_t pixel for pixel for the same image, schedule and seed.
        ddpm::Image img;
        img.width = 24;
        img.height = 20;
        img.channels = 3;
        img.pixels.resize(24 * 20 * 3);
        for (std::size_t i = 0; i < img.pixels.size(); ++i)
            img.pixels[i] = static_cast<std::uint8_t>((i * 37) % 256);
        auto image = std::make_shared<const ddpm::Image>(img);
        auto schedule = std::make_shared<const ddpm::NoiseSchedule>(ddpm::NoiseSchedule::fromName("linear", 100));
        ddpm::ui::ForwardWorker worker;
        QSignalSpy spy(&worker, &ddpm::ui::ForwardWorker::resultReady);
        ddpm::ui::ForwardRequest request;
        request.id = 1;
        request.image = image;
        request.schedule = schedule;
        request.t = 37;
        request.seed = 1234;
        request.mode = ForwardMode::MarkovChain;
        request.resolution = 16;
        request.stripCount = 5;
        worker.submit(request);
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty() && spy.last().at(0).value<ddpm::ui::ForwardResult>().complete, kWaitMs);
        const auto result = spy.last().at(0).value<ddpm::ui::ForwardResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));

        const ddpm::Diffusion diffusion(*schedule);
        const at::Tensor x0 = ddpm::imageToTensor(ddpm::resizeCenterCrop(img, 16)).unsqueeze(0);
        ddpm::Rng rng(request.seed);
        const std::vector<at::Tensor> xs = diffusion.qSampleChain(x0, {37, 100}, rng);
        auto shown = [](const at::Tensor& x) { return ddpm::ui::toQImage(ddpm::tensorToImage(x.squeeze(0))); };
        QCOMPARE(result.xt, shown(xs[0]));
        QCOMPARE(result.stripSteps.back(), 100);
        QCOMPARE(result.strip.back(), shown(xs[1]));
        ddpm::Rng otherSeed(request.seed + 1);
        QVERIFY(result.xt != shown(diffusion.qSampleChain(x0, {37}, otherSeed)[0]));
    }

    void markovChainRenders()
    {
        ForwardPage page;
        QSignalSpy ready(&page, &ForwardPage::frameReady);
        setSmall(page, ForwardMode::MarkovChain, page.schedule().steps);
        WAIT_FRAME(page);
        QVERIFY(ready.count() >= 1);
        QVERIFY(page.frame().mode == ForwardMode::MarkovChain);
        QVERIFY(!page.xtImage().isNull());
        QCOMPARE(page.stripImages().size(), 8);
        // The chain's x_T and the closed form's differ pixel by pixel but not in distribution.
        QVERIFY(std::abs(page.frame().measuredMean) < 0.05);
        QVERIFY(std::abs(page.frame().measuredStd - 1.0) < 0.05);
    }

    void compareModeShowsBoth()
    {
        ForwardPage page;
        page.setResolution(64); // keeps the chain walk short on a busy CI machine
        page.setMode(ForwardMode::Compare);
        page.setSeed(11);
        const int steps = page.schedule().steps;
        page.setT(steps);
        WAIT_FRAME(page);
        const ddpm::ui::ForwardResult& f = page.frame();
        QVERIFY(f.mode == ForwardMode::Compare);
        QCOMPARE(f.t, steps);
        // Both x_t render, at the same size, and differ pixel by pixel (different noise draws).
        const QImage closed = page.xtImage();
        const QImage chain = page.xtChainImage();
        QVERIFY(!closed.isNull());
        QVERIFY(!chain.isNull());
        QCOMPARE(closed.size(), QSize(64, 64));
        QCOMPARE(chain.size(), closed.size());
        QVERIFY(closed != chain);
        // x_T is about N(0, 1) for both.
        QVERIFY2(std::abs(f.measuredMean) < 0.1, qPrintable(QString::number(f.measuredMean)));
        QVERIFY2(std::abs(f.measuredStd - 1.0) < 0.1, qPrintable(QString::number(f.measuredStd)));
        QVERIFY2(std::abs(f.chainMeasuredMean) < 0.1, qPrintable(QString::number(f.chainMeasuredMean)));
        QVERIFY2(std::abs(f.chainMeasuredStd - 1.0) < 0.1, qPrintable(QString::number(f.chainMeasuredStd)));
        // Both histograms on the same bins; the strip is the closed form's.
        QCOMPARE(f.chainHistDensity.size(), f.histDensity.size());
        QVERIFY(f.chainHistDensity != f.histDensity);
        QCOMPARE(page.stripImages().size(), 8);

        // The closed-form x_t is the one closed-form mode shows; the chain's the Markov chain mode's.
        page.setMode(ForwardMode::ClosedForm);
        WAIT_FRAME(page);
        QCOMPARE(page.xtImage(), closed);
        QVERIFY(page.xtChainImage().isNull());
        page.setMode(ForwardMode::MarkovChain);
        WAIT_FRAME(page);
        QCOMPARE(page.xtImage(), chain);

        // The mode persists.
        const QString ini = m_dir.filePath(QStringLiteral("compare.ini"));
        page.setMode(ForwardMode::Compare);
        {
            QSettings settings(ini, QSettings::IniFormat);
            page.saveSettings(settings);
        }
        QSettings settings(ini, QSettings::IniFormat);
        QCOMPARE(settings.value(QStringLiteral("forward/mode")).toString(), QStringLiteral("compare"));
        ForwardPage restored;
        restored.restoreSettings(settings);
        QVERIFY(restored.mode() == ForwardMode::Compare);
    }

    void badFileKeepsImage_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("missing") << m_dir.filePath(QStringLiteral("no-such-file.png"));
        QTest::newRow("empty") << writeFile(QStringLiteral("empty.png"), QByteArray());
        QTest::newRow("garbage") << writeFile(QStringLiteral("garbage.png"), QByteArray(4096, '\x5a'));
        QTest::newRow("text") << writeFile(QStringLiteral("notes.jpg"), QByteArray("just some text, not a JPEG\n"));
        QByteArray truncated;
        {
            QImage img(64, 64, QImage::Format_RGB888);
            img.fill(Qt::red);
            QBuffer buffer(&truncated);
            buffer.open(QIODevice::WriteOnly);
            img.save(&buffer, "PNG");
        }
        QTest::newRow("truncated") << writeFile(QStringLiteral("truncated.png"), truncated.left(truncated.size() / 2));
        QTest::newRow("directory") << m_dir.path();
        QTest::newRow("over 100 megapixels") << QStringLiteral(DDPM_TEST_DATA_DIR "/image_io/huge_header.png");
    }
    void badFileKeepsImage()
    {
        QFETCH(QString, path);
        ForwardPage page;
        WAIT_FRAME(page);
        const QImage before = page.xtImage();
        QStringList errors;
        page.setErrorHandler([&errors](const QString& message) { errors << message; });
        QSignalSpy changed(&page, &ForwardPage::imageChanged);

        QVERIFY(!page.openImage(path));
        QCOMPARE(errors.size(), 1);
        QVERIFY(!errors.front().isEmpty());
        QCOMPARE(page.lastError(), errors.front());
        QCOMPARE(changed.count(), 0);
        QCOMPARE(page.imagePath(), ForwardPage::kDefaultImage);
        QCOMPARE(page.image().width, 451);
        QVERIFY(!page.isRendering());
        QCOMPARE(page.xtImage(), before);

        // Quiet: no message, but the error is remembered.
        QVERIFY(!page.openImage(path, true));
        QCOMPARE(errors.size(), 1);
        QVERIFY(!page.lastError().isEmpty());
    }

    void opensAnotherImage()
    {
        const QString path = m_dir.filePath(QStringLiteral("small.png"));
        QImage img(40, 30, QImage::Format_RGB888);
        img.fill(QColor(10, 200, 90));
        QVERIFY(img.save(path));

        ForwardPage page;
        QSignalSpy changed(&page, &ForwardPage::imageChanged);
        QVERIFY(page.openImage(path));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(page.image().width, 40);
        QCOMPARE(page.image().height, 30);
        QCOMPARE(QFileInfo(page.imagePath()).fileName(), QStringLiteral("small.png"));
        page.setResolution(32);
        WAIT_FRAME(page);
        QCOMPARE(page.x0Image().size(), QSize(32, 32));
        page.setResolution(0); // original size
        WAIT_FRAME(page);
        QCOMPARE(page.x0Image().size(), QSize(40, 30));
        QCOMPARE(page.x0Image().pixelColor(5, 5), QColor(10, 200, 90));
    }

    void longImageNameEndsInEllipsis()
    {
        const QString name = QStringLiteral("a-rather-long-file-name-for-a-photograph-of-a-cat.png");
        const QString path = m_dir.filePath(name);
        QImage img(20, 20, QImage::Format_RGB888);
        img.fill(Qt::gray);
        QVERIFY(img.save(path));
        ForwardPage page;
        QVERIFY(page.openImage(path));
        auto* info = page.findChild<ElidedLabel*>(QStringLiteral("imageInfo"));
        QVERIFY(info);
        QVERIFY(info->text().startsWith(name));
        QCOMPARE(info->toolTip(), path);
        // Narrow: the row cuts the name, which then ends in an ellipsis, not mid-letter.
        page.resize(500, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY2(info->width() < info->fontMetrics().horizontalAdvance(info->text()), qPrintable(QString::number(info->width())));
        QVERIFY2(info->shownText().endsWith(QChar(0x2026)), qPrintable(info->shownText()));
        QVERIFY(info->shownText().size() < info->text().size());
        // Wide enough: the whole text.
        page.resize(2400, 700);
        QTRY_COMPARE(info->shownText(), info->text());
    }

    void histogramMatchesTheory_data()
    {
        QTest::addColumn<ForwardMode>("mode");
        QTest::addColumn<double>("fraction");
        QTest::newRow("closed, t = 1") << ForwardMode::ClosedForm << 0.0;
        QTest::newRow("closed, t = T/2") << ForwardMode::ClosedForm << 0.5;
        QTest::newRow("closed, t = T") << ForwardMode::ClosedForm << 1.0;
        QTest::newRow("chain, t = T/4") << ForwardMode::MarkovChain << 0.25;
        QTest::newRow("chain, t = T") << ForwardMode::MarkovChain << 1.0;
    }
    void histogramMatchesTheory()
    {
        QFETCH(ForwardMode, mode);
        QFETCH(double, fraction);
        ForwardPage page;
        const int steps = page.schedule().steps;
        const int t = std::max(1, static_cast<int>(std::lround(fraction * steps)));
        setSmall(page, mode, t);
        WAIT_FRAME(page);
        const ddpm::ui::ForwardResult& f = page.frame();
        QCOMPARE(f.t, t);
        const double ab = page.schedule().build().alphaBar(t);
        QVERIFY(std::abs(f.alphaBar - ab) < 1e-12);
        QVERIFY2(std::abs(f.measuredMean - f.predictedMean) < 0.03,
                 qPrintable(QStringLiteral("mean %1 vs %2").arg(f.measuredMean).arg(f.predictedMean)));
        QVERIFY2(std::abs(f.measuredStd - f.predictedStd) < 0.03,
                 qPrintable(QStringLiteral("std %1 vs %2").arg(f.measuredStd).arg(f.predictedStd)));
        if (t == steps) { // linear at T = 1000: alpha_bar_T is about 4e-5, so x_T is about N(0, 1)
            QVERIFY(std::abs(f.measuredMean) < 0.03);
            QVERIFY(std::abs(f.measuredStd - 1.0) < 0.03);
            QVERIFY(std::abs(f.predictedStd - 1.0) < 1e-3);
        }
        // The histogram is a density: it integrates to about 1 (a little mass may fall outside).
        QCOMPARE(f.histDensity.size(), f.theoryDensity.size());
        const double width = (f.histHigh - f.histLow) / f.histDensity.size();
        double measured = 0.0, predicted = 0.0, l1 = 0.0;
        for (int b = 0; b < f.histDensity.size(); ++b) {
            measured += f.histDensity[b] * width;
            predicted += f.theoryDensity[b] * width;
            l1 += std::abs(f.histDensity[b] - f.theoryDensity[b]) * width;
        }
        QVERIFY(measured > 0.97 && measured <= 1.0 + 1e-9);
        QVERIFY(predicted > 0.97 && predicted <= 1.0 + 1e-9);
        QVERIFY2(l1 < 0.1, qPrintable(QStringLiteral("L1 distance %1").arg(l1)));
    }

    void scheduleChoice()
    {
        ForwardPage page;
        QStringList errors;
        page.setErrorHandler([&errors](const QString& message) { errors << message; });
        QSignalSpy changed(&page, &ForwardPage::scheduleChanged);
        page.setT(500);

        ScheduleChoice bad;
        bad.name = QStringLiteral("custom:") + m_dir.filePath(QStringLiteral("missing-betas.txt"));
        page.setSchedule(bad);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(page.schedule(), ScheduleChoice());
        QCOMPARE(changed.count(), 0);

        ScheduleChoice cosine;
        cosine.name = QStringLiteral("cosine");
        cosine.steps = 100;
        page.setSchedule(cosine);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(page.schedule(), cosine);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(page.t(), 50); // t keeps its place along the schedule
        WAIT_FRAME(page);
        QCOMPARE(page.frame().steps, 100);
        QCOMPARE(page.frame().stripSteps.back(), 100);
    }

    void settingsRoundTrip()
    {
        const QString path = m_dir.filePath(QStringLiteral("small2.png"));
        QImage img(20, 20, QImage::Format_Grayscale8);
        img.fill(128);
        QVERIFY(img.save(path));
        const QString ini = m_dir.filePath(QStringLiteral("settings.ini"));
        {
            ForwardPage page;
            QVERIFY(page.openImage(path));
            ScheduleChoice choice;
            choice.name = QStringLiteral("sigmoid");
            choice.steps = 200;
            page.setSchedule(choice);
            page.setT(123);
            page.setSeed(42);
            page.setResolution(64);
            page.setMode(ForwardMode::MarkovChain);
            QSettings settings(ini, QSettings::IniFormat);
            page.saveSettings(settings);
        }
        {
            QSettings settings(ini, QSettings::IniFormat);
            ForwardPage page;
            page.restoreSettings(settings);
            QCOMPARE(page.imagePath(), QFileInfo(path).absoluteFilePath());
            QCOMPARE(page.image().channels, 1);
            QCOMPARE(page.schedule().name, QStringLiteral("sigmoid"));
            QCOMPARE(page.schedule().steps, 200);
            QCOMPARE(page.t(), 123);
            QCOMPARE(page.seed(), quint64(42));
            QCOMPARE(page.resolution(), 64);
            QVERIFY(page.mode() == ForwardMode::MarkovChain);
            WAIT_FRAME(page);
            QCOMPARE(page.x0Image().size(), QSize(64, 64));
        }
        // The last image is gone: back to the cat without a message.
        QVERIFY(QFile::remove(path));
        {
            QSettings settings(ini, QSettings::IniFormat);
            ForwardPage page;
            QStringList errors;
            page.setErrorHandler([&errors](const QString& message) { errors << message; });
            page.restoreSettings(settings);
            QVERIFY(errors.isEmpty());
            QCOMPARE(page.imagePath(), ForwardPage::kDefaultImage);
            QCOMPARE(page.image().width, 451);
            QCOMPARE(page.t(), 123);
        }
    }

    void shrunkPicturesKeepTheNoise()
    {
        // x_T at 512 x 512 shown about 200 px wide: nearest-neighbour keeps every shown pixel
        // one of x_T's, so the picture is as noisy as x_T (a smooth downscale averaged it grey).
        ForwardPage page;
        page.resize(1100, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setResolution(512);
        page.setT(page.schedule().steps);
        WAIT_FRAME(page);
        ddpm::ui::ImageView* xtView = nullptr;
        for (auto* view : page.findChildren<ddpm::ui::ImageView*>())
            if (view->isVisible() && view->image() == page.xtImage() && !view->caption().startsWith(QStringLiteral("t = ")))
                xtView = view;
        QVERIFY(xtView);
        QVERIFY2(xtView->shownScale() < 0.6, qPrintable(QString::number(xtView->shownScale())));
        const QString note = xtView->noteText();
        QVERIFY2(note.contains(QStringLiteral("nearest-neighbour at")) && note.contains(QStringLiteral("%")), qPrintable(note));
        QVERIFY2(note.contains(QStringLiteral("clamped to [−1, 1]")), qPrintable(note));

        auto grayStd = [](const QImage& image, const QRect& area) {
            double sum = 0, sum2 = 0;
            int n = 0;
            for (int y = area.top(); y <= area.bottom(); ++y)
                for (int x = area.left(); x <= area.right(); ++x) {
                    const double v = qGray(image.pixel(x, y));
                    sum += v;
                    sum2 += v * v;
                    ++n;
                }
            const double mean = sum / n;
            return std::sqrt(std::max(0.0, sum2 / n - mean * mean));
        };
        const QImage source = page.xtImage().convertToFormat(QImage::Format_RGB32);
        const QImage shown = xtView->grab().toImage().convertToFormat(QImage::Format_RGB32);
        // The middle of the view lies inside the picture (square, centred).
        const QSize s = shown.size();
        const int side = std::min(s.width(), s.height()) / 4;
        const QRect middle(s.width() / 2 - side / 2, (s.height() - 2 * xtView->fontMetrics().height()) / 2 - side / 2, side, side);
        const double shownStd = grayStd(shown, middle);
        const double sourceStd = grayStd(source, source.rect());
        QVERIFY2(shownStd > 0.8 * sourceStd, qPrintable(QStringLiteral("%1 vs %2").arg(shownStd).arg(sourceStd)));

        // The strip says how its tiles are shown.
        auto* stripTitle = page.findChild<QLabel*>(QStringLiteral("stripTitle"));
        QVERIFY(stripTitle);
        QVERIFY2(stripTitle->text().contains(QStringLiteral("nearest-neighbour at")), qPrintable(stripTitle->text()));
    }

    void stripUsesRoundStepsAndMarksT()
    {
        ForwardPage page;
        page.setResolution(32);
        page.setT(480);
        WAIT_FRAME(page);
        QCOMPARE(page.frame().stripSteps, (QVector<int>{0, 50, 100, 250, 500, 750, 900, 1000}));
        auto* view = page.findChild<ddpm::ui::ForwardView*>();
        QVERIFY(view);
        QCOMPARE(view->markedStripIndex(), 4); // t = 500 is nearest 480
        int highlighted = 0;
        for (auto* tile : view->findChildren<ddpm::ui::ImageView*>())
            if (tile->isHighlighted()) {
                ++highlighted;
                QCOMPARE(tile->caption(), QStringLiteral("t = 500"));
            }
        QCOMPARE(highlighted, 1);
        auto* stripTitle = page.findChild<QLabel*>(QStringLiteral("stripTitle"));
        QVERIFY2(stripTitle->text().contains(QStringLiteral("current t = 480")), qPrintable(stripTitle->text()));
        page.setT(750);
        WAIT_FRAME(page);
        QCOMPARE(view->markedStripIndex(), 5);
        QVERIFY2(stripTitle->text().contains(QStringLiteral("framed: the current t = 750")), qPrintable(stripTitle->text()));
        // Another T scales the same fractions.
        ScheduleChoice c;
        c.name = QStringLiteral("cosine");
        c.steps = 200;
        page.setSchedule(c);
        WAIT_FRAME(page);
        QCOMPARE(page.frame().stripSteps, (QVector<int>{0, 10, 20, 50, 100, 150, 180, 200}));
    }

    void statisticsReadable()
    {
        ForwardPage page;
        page.setResolution(32);
        WAIT_FRAME(page);
        auto* stats = page.findChild<QLabel*>(QStringLiteral("forwardStats"));
        QVERIFY(stats);
        const QString text = stats->text();
        QVERIFY2(text.contains(QStringLiteral("SNR&nbsp;=&nbsp;")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("<small>")), qPrintable(text));
        QCOMPARE(stats->font().pointSizeF(), QApplication::font().pointSizeF());
    }

    void histogramLegendLeavesTheDataFree_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("compare");
        // The page inside a 1024 x 640 window, and inside the default 1280 x 820 one.
        QTest::newRow("1024x640") << QSize(860, 560) << false;
        QTest::newRow("1024x640 compare") << QSize(860, 560) << true;
        QTest::newRow("1280x820 compare") << QSize(1110, 740) << true;
    }

    void histogramLegendLeavesTheDataFree()
    {
        QFETCH(QSize, size);
        QFETCH(bool, compare);
        ForwardPage page;
        page.resize(size);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setResolution(32);
        page.setMode(compare ? ForwardMode::Compare : ForwardMode::ClosedForm);
        WAIT_FRAME(page);
        // The main window shows a page in a scroll area that gives it the height it needs for
        // its width where the window has less (page_area.h); so here, once the frame is in.
        for (int pass = 0; pass < 3 && page.heightForWidth(page.width()) > page.height(); ++pass) {
            page.resize(page.width(), page.heightForWidth(page.width()));
            QCoreApplication::processEvents();
        }
        auto* histogram = page.findChild<ddpm::ui::HistogramPlot*>();
        QVERIFY(histogram);
        QCustomPlot* plot = histogram->plot();
        plot->replot();
        const QRect data = plot->axisRect()->rect();
        const QRect legend = plot->legend->outerRect();
        QVERIFY2(!legend.intersects(data), qPrintable(QStringLiteral("legend %1,%2 %3x%4 over data %5,%6 %7x%8")
                                                          .arg(legend.x()).arg(legend.y()).arg(legend.width()).arg(legend.height())
                                                          .arg(data.x()).arg(data.y()).arg(data.width()).arg(data.height())));
        QVERIFY(plot->rect().contains(legend));
        // Every entry fits the legend's box (nothing cut off), and the data keep room of their own.
        const QSize needed = plot->legend->minimumOuterSizeHint();
        QVERIFY2(needed.width() <= legend.width() && needed.height() <= legend.height(),
                 qPrintable(QStringLiteral("legend needs %1 x %2, has %3 x %4")
                                .arg(needed.width()).arg(needed.height()).arg(legend.width()).arg(legend.height())));
        QVERIFY2(data.height() >= 100, qPrintable(QString::number(data.height())));
        int entries = 0;
        for (int i = 0; i < plot->legend->itemCount(); ++i)
            entries += plot->legend->item(i) != nullptr; // a wrapped legend has empty cells
        QCOMPARE(entries, compare ? 4 : 3);
        // Plot text in the application font.
        const QFont app = QApplication::font();
        QCOMPARE(plot->legend->item(0)->font().pointSizeF(), app.pointSizeF());
        QCOMPARE(plot->xAxis->tickLabelFont().pointSizeF(), app.pointSizeF());
        QCOMPARE(plot->xAxis->labelFont().pointSizeF(), app.pointSizeF());
        if (compare) {
            // The chain's line is drawn over the prediction's, and the two look different.
            QCPGraph* chain = nullptr;
            QCPGraph* theory = nullptr;
            for (int i = 0; i < plot->graphCount(); ++i) {
                if (plot->graph(i)->name().contains(QStringLiteral("Markov chain")))
                    chain = plot->graph(i);
                if (plot->graph(i)->name().startsWith(QStringLiteral("predicted")))
                    theory = plot->graph(i);
            }
            QVERIFY(chain && theory);
            QCOMPARE(chain->layer(), theory->layer());
            QVERIFY(chain->layer()->children().indexOf(chain) > chain->layer()->children().indexOf(theory));
            QVERIFY(chain->pen().style() != theory->pen().style());
            QVERIFY(chain->pen().color() != theory->pen().color());
        }
    }

    void exportCarriesTheSettings()
    {
        ForwardPage page;
        page.resize(1100, 700);
        page.setSeed(42);
        page.setT(300);
        WAIT_FRAME(page);
        const QString path = m_dir.filePath(QStringLiteral("forward.png"));
        QVERIFY(page.exportPng(path));
        const QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.height() > page.viewArea()->grab().height()); // the caption line under the view
        const QString caption = image.text(QStringLiteral("Description"));
        for (const QString& part : {QStringLiteral("chelsea.png"), QStringLiteral("128 × 128"), QStringLiteral("linear, T = 1000"),
                                    QStringLiteral("t = 300"), QStringLiteral("seed 42"), QStringLiteral("closed form")})
            QVERIFY2(caption.contains(part), qPrintable(part + QStringLiteral(" not in ") + caption));
    }

    void exportsTheView()
    {
        ForwardPage page;
        page.resize(1200, 700);
        WAIT_FRAME(page);
        const QImage grabbed = page.viewArea()->grab().toImage();
        QVERIFY(!grabbed.isNull());
        QVERIFY(grabbed.width() > 100 && grabbed.height() > 100);
    }

private:
    void modes()
    {
        QTest::addColumn<ForwardMode>("mode");
        QTest::newRow("closed form") << ForwardMode::ClosedForm;
        QTest::newRow("Markov chain") << ForwardMode::MarkovChain;
    }

    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(bytes);
        return path;
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestForwardPage)
#include "test_forward_page.moc"
