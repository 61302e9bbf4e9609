// soak_gui: drives the whole GUI for a long time and records what a leak, a stuck thread or a
// frozen window would show. Not a test (it runs for minutes); run it under Xvfb:
//
//   xvfb-run -a -s '-screen 0 1600x1000x24' build/bench/soak_gui --minutes 30 --out soak
//
// It opens the main window, starts training the "tiny" UNet on Fashion-MNIST on the Training
// page (live plots), and then, on a timer, switches pages every few seconds, scrubs the
// Reverse chain page's slider and runs a DDIM chain there with the oracle while training goes
// on. Every 10 s it records the resident memory, the thread count and the open files
// (/proc/self); a 10 ms timer probe measures how late the event loop runs it (the latency a
// person would feel). Writes OUT/soak.csv (one row per 10 s), OUT/latency.csv (every probe
// lateness over 1 ms), OUT/summary.json (the figures against the goals) and OUT/soak.png
// (memory, threads, files and latency over time).
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPainter>
#include <QSlider>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ddpm/blas_kernels.h"
#include "main_window.h"
#include "pages/reverse_page.h"
#include "process_threads.h"
#include "pages/training_page.h"
#include "widgets/chain_scrubber.h"
#include "widgets/plot.h"
#include "widgets/sampling_options.h"
#include "widgets/training_options.h"

namespace {

struct Sample {
    double seconds = 0;
    double rssMiB = 0;
    int threads = 0;
    int files = 0;
    long long step = 0;
    double latencyP99Ms = 0; // of the probes in the last 10 s
};

double rssMiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(std::min<double>(v.size() - 1, std::floor(p * (v.size() - 1) + 0.5)))];
}

/// Four stacked plots of the samples over time, as one PNG.
bool writePlot(const std::vector<Sample>& s, const QString& path)
{
    QCustomPlot plot;
    plot.resize(900, 900);
    plot.plotLayout()->clear();
    const auto add = [&](int row, const QString& label, auto value, const QColor& colour) {
        auto* rect = new QCPAxisRect(&plot);
        plot.plotLayout()->addElement(row, 0, rect);
        QCPGraph* g = plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        g->setPen(QPen(colour, 2));
        for (const Sample& x : s)
            g->addData(x.seconds / 60.0, value(x));
        rect->axis(QCPAxis::atLeft)->setLabel(label);
        rect->axis(QCPAxis::atBottom)->setLabel(QStringLiteral("minutes"));
        g->rescaleAxes();
        QCPRange r = rect->axis(QCPAxis::atLeft)->range();
        rect->axis(QCPAxis::atLeft)->setRange(std::min(0.0, r.lower), r.upper * 1.1 + 1e-9);
    };
    add(0, QStringLiteral("resident MiB"), [](const Sample& x) { return x.rssMiB; }, QColor(31, 119, 180));
    add(1, QStringLiteral("threads"), [](const Sample& x) { return double(x.threads); }, QColor(44, 160, 44));
    add(2, QStringLiteral("open files"), [](const Sample& x) { return double(x.files); }, QColor(148, 103, 189));
    add(3, QStringLiteral("event-loop p99 ms"), [](const Sample& x) { return x.latencyP99Ms; }, QColor(214, 39, 40));
    return plot.savePng(path, 900, 900);
}

} // namespace

int main(int argc, char** argv)
{
    ddpm::selectBlasKernels(argv);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ddpm-studio-soak"));
    QApplication::setApplicationName(QStringLiteral("soak_gui"));
    double minutes = 30;
    QString out = QStringLiteral("soak");
    const QStringList args = QApplication::arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--minutes"))
            minutes = args[i + 1].toDouble();
        else if (args[i] == QLatin1String("--out"))
            out = args[i + 1];
    }
    if (!(minutes > 0) || !QDir().mkpath(out)) {
        std::fprintf(stderr, "soak_gui: usage: soak_gui [--minutes M] [--out DIR]\n");
        return 2;
    }
    QTemporaryDir runs;

    ddpm::ui::MainWindow window;
    window.resize(1500, 950);
    window.show();

    // Training: the tiny UNet on Fashion-MNIST, long enough never to finish.
    auto* training = window.trainingPage();
    ddpm::ui::TrainingSettings settings = training->options()->settings();
    settings.config.data = "fashion-mnist";
    settings.config.model = "unet";
    settings.config.preset = "tiny";
    settings.config.steps = 10000000;
    settings.config.sampleEvery = 500;
    settings.config.checkpointEvery = 500;
    settings.runDir = runs.filePath(QStringLiteral("run"));
    training->options()->setSettings(settings);
    window.showPage(ddpm::ui::MainWindow::Training);
    training->startOrResume();

    // The Reverse page samples the oracle of gaussians8 (it needs no trained model).
    auto* reverse = window.reversePage();
    reverse->options()->setModelSpec(QStringLiteral("oracle:toy:gaussians8"));
    reverse->options()->setSampler(QStringLiteral("ddim"));
    reverse->options()->setSpacing(QStringLiteral("50"));
    reverse->options()->setBatch(256);

    // The probe: a 10 ms timer; its lateness is what the event loop makes a person wait.
    std::vector<double> window10s, all;
    QElapsedTimer clock;
    clock.start();
    qint64 expected = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (expected > 0) {
            const double late = std::max(0.0, (now - expected) / 1e6);
            window10s.push_back(late);
            all.push_back(late);
        }
        expected = now + 10'000'000;
    });
    probe.start();

    QFile latencyFile(out + QStringLiteral("/latency.csv"));
    latencyFile.open(QIODevice::WriteOnly | QIODevice::Truncate);
    QTextStream latencyCsv(&latencyFile);
    latencyCsv << "seconds,late_ms\n";

    // Actions: every 3 s the next page; every 45 s a chain on the Reverse page; on the Reverse
    // page the slider moves every 100 ms.
    int tick = 0;
    QTimer actions;
    actions.setInterval(3000);
    const ddpm::ui::MainWindow::Page order[] = {ddpm::ui::MainWindow::Training, ddpm::ui::MainWindow::Reverse,
                                                ddpm::ui::MainWindow::Schedule, ddpm::ui::MainWindow::Forward,
                                                ddpm::ui::MainWindow::Training, ddpm::ui::MainWindow::Bound};
    QObject::connect(&actions, &QTimer::timeout, [&] {
        ++tick;
        window.showPage(order[tick % 6]);
        if (tick % 15 == 1 && !reverse->isRunning())
            reverse->run();
    });
    actions.start();
    QTimer scrub;
    scrub.setInterval(100);
    int scrubPos = 0;
    QObject::connect(&scrub, &QTimer::timeout, [&] {
        if (window.currentPage() == ddpm::ui::MainWindow::Reverse && reverse->scrubber()->count() > 1)
            reverse->scrubber()->setIndex(scrubPos++ % reverse->scrubber()->count());
    });
    scrub.start();

    std::vector<Sample> samples;
    QTimer recorder;
    recorder.setInterval(10000);
    const auto record = [&] {
        Sample s;
        s.seconds = clock.elapsed() / 1000.0;
        s.rssMiB = rssMiB();
        s.threads = ddpm::test::processThreads();
        s.files = ddpm::test::openFileDescriptors();
        s.step = training->step();
        s.latencyP99Ms = percentile(window10s, 0.99);
        for (double late : window10s)
            if (late > 1.0)
                latencyCsv << s.seconds << ',' << late << '\n';
        window10s.clear();
        samples.push_back(s);
        std::fprintf(stderr, "soak %6.0f s  rss %7.1f MiB  threads %3d  files %3d  step %lld  p99 %.1f ms\n",
                     s.seconds, s.rssMiB, s.threads, s.files, s.step, s.latencyP99Ms);
    };
    QObject::connect(&recorder, &QTimer::timeout, record);
    recorder.start();
    QTimer::singleShot(static_cast<int>(minutes * 60000), &app, [&] {
        if (samples.empty() || clock.elapsed() / 1000.0 - samples.back().seconds > 1.0)
            record();
        QApplication::quit();
    });
    app.exec();
    training->stop();

    QFile csv(out + QStringLiteral("/soak.csv"));
    csv.open(QIODevice::WriteOnly | QIODevice::Truncate);
    QTextStream c(&csv);
    c << "seconds,rss_mib,threads,open_files,training_step,latency_p99_ms\n";
    for (const Sample& s : samples)
        c << s.seconds << ',' << s.rssMiB << ',' << s.threads << ',' << s.files << ',' << s.step << ','
          << s.latencyP99Ms << '\n';

    // Growth after the first 5 minutes: the last sample against the first one past 300 s.
    nlohmann::ordered_json summary;
    summary["minutes"] = minutes;
    summary["samples"] = samples.size();
    const auto after5 = std::find_if(samples.begin(), samples.end(), [](const Sample& s) { return s.seconds >= 300; });
    if (after5 != samples.end() && !samples.empty()) {
        summary["rss_mib_at_5min"] = after5->rssMiB;
        summary["rss_mib_end"] = samples.back().rssMiB;
        summary["rss_growth_after_5min_percent"] = 100.0 * (samples.back().rssMiB - after5->rssMiB) / after5->rssMiB;
        summary["threads_at_5min"] = after5->threads;
        summary["threads_end"] = samples.back().threads;
        summary["files_at_5min"] = after5->files;
        summary["files_end"] = samples.back().files;
    }
    summary["threads_max"] = samples.empty() ? 0 : std::max_element(samples.begin(), samples.end(), [](auto& a, auto& b) { return a.threads < b.threads; })->threads;
    summary["latency_p50_ms"] = percentile(all, 0.50);
    summary["latency_p99_ms"] = percentile(all, 0.99);
    summary["latency_max_ms"] = all.empty() ? 0.0 : *std::max_element(all.begin(), all.end());
    summary["probes"] = all.size();
    summary["training_steps"] = samples.empty() ? 0 : samples.back().step;
    QFile json(out + QStringLiteral("/summary.json"));
    json.open(QIODevice::WriteOnly | QIODevice::Truncate);
    json.write(QByteArray::fromStdString(summary.dump(2) + "\n"));
    std::printf("%s\n", summary.dump(2).c_str());
    return writePlot(samples, out + QStringLiteral("/soak.png")) ? 0 : 1;
}
