// Torch and core headers first: Qt's keywords are off (QT_NO_KEYWORDS), but keep the order
// the other workers use.
#include <ATen/ATen.h>

#include "ddpm/checkpoint.h"
#include "ddpm/error.h"
#include "ddpm/run_directory.h"
#include "ddpm/run_lock.h"
#include "ddpm/runtime.h"
#include "ddpm/sample_grid.h"
#include "ddpm/trainer.h"
#include "ddpm/training_preview.h"

#include <nlohmann/json.hpp>

#include "workers/training_worker.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QTextStream>

#include <chrono>
#include <cmath>
#include <limits>

#include "image_convert.h"

namespace ddpm::ui {

namespace {

using Clock = std::chrono::steady_clock;

// One chunk of steps runs for about this long before the worker looks at its queue again.
constexpr auto kChunk = std::chrono::milliseconds(40);
// Points of the data sent for the scatter behind 2-D samples (as many as a preview draws behind them).
constexpr std::int64_t kDataPoints = ddpm::kPreviewDataPoints;
// How the lock on a run folder names this program to another process.
constexpr const char* kLockProgram = "ddpm-studio";

QString toQ(const std::string& s) { return QString::fromStdString(s); }

void splitPoints(const at::Tensor& points, std::vector<double>& x, std::vector<double>& y)
{
    const at::Tensor p = points.to(at::kCPU, at::kDouble).contiguous();
    const double* d = p.data_ptr<double>();
    const std::int64_t n = p.size(0);
    x.resize(static_cast<size_t>(n));
    y.resize(static_cast<size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        x[static_cast<size_t>(i)] = d[2 * i];
        y[static_cast<size_t>(i)] = d[2 * i + 1];
    }
}

/// The rows of a run's metrics.csv up to step, as points; the training time, which the file
/// does not hold, is estimated from the logged throughput.
std::vector<TrainingPoint> readMetricsHistory(const QString& runDir, long long step, const ddpm::TrainConfig& c)
{
    std::vector<TrainingPoint> points;
    QFile file(QDir(runDir).filePath(QStringLiteral("metrics.csv")));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return points;
    QTextStream in(&file);
    in.readLine(); // header
    double wall = 0;
    long long previous = 0;
    while (!in.atEnd()) {
        const QStringList cols = in.readLine().split(QLatin1Char(','));
        if (cols.size() < 15)
            continue;
        bool ok = true;
        TrainingPoint p;
        p.step = cols[0].toLongLong(&ok);
        if (!ok || p.step <= previous || p.step > step)
            continue;
        p.loss = cols[1].toDouble();
        p.gradNorm = cols[2].toDouble();
        p.lr = cols[3].toDouble();
        p.itemsPerSecond = cols[4].toDouble();
        for (int k = 0; k < 10; ++k) {
            bool number = false;
            const double v = cols[5 + k].toDouble(&number);
            p.bucketLoss[static_cast<size_t>(k)] = number ? v : std::numeric_limits<double>::quiet_NaN();
        }
        if (p.itemsPerSecond > 0)
            wall += double(p.step - previous) * c.batch / p.itemsPerSecond;
        p.wallSeconds = wall;
        previous = p.step;
        points.push_back(p);
    }
    return points;
}

} // namespace

TrainingWorker::TrainingWorker(std::shared_ptr<ddpm::ThreadBudget> budget, QObject* parent)
    : QObject(parent), m_budget(threadBudgetOrOwn(std::move(budget)))
{
    qRegisterMetaType<ddpm::ui::TrainingSession>();
    qRegisterMetaType<ddpm::ui::TrainingProgress>();
    qRegisterMetaType<ddpm::ui::TrainingPreview>();
    qRegisterMetaType<ddpm::ui::TrainingWorker::State>();
}

TrainingWorker::~TrainingWorker() = default;

// ---------------------------------------------------------------------------------------------
// Commands: callable from any thread, run in the worker's

void TrainingWorker::start(const TrainingSettings& settings)
{
    QMetaObject::invokeMethod(this, [this, settings] { doStart(settings); }, Qt::QueuedConnection);
}

void TrainingWorker::openCheckpoint(const QString& path, long long totalSteps)
{
    QMetaObject::invokeMethod(this, [this, path, totalSteps] { doOpen(path, totalSteps); }, Qt::QueuedConnection);
}

void TrainingWorker::pause()
{
    m_interrupt.store(true);
    QMetaObject::invokeMethod(this, &TrainingWorker::doPause, Qt::QueuedConnection);
}

void TrainingWorker::resume()
{
    QMetaObject::invokeMethod(this, &TrainingWorker::doResume, Qt::QueuedConnection);
}

void TrainingWorker::singleStep()
{
    QMetaObject::invokeMethod(this, &TrainingWorker::doStep, Qt::QueuedConnection);
}

void TrainingWorker::setTotalSteps(long long steps)
{
    QMetaObject::invokeMethod(this, [this, steps] { doSetTotalSteps(steps); }, Qt::QueuedConnection);
}

void TrainingWorker::stop()
{
    m_interrupt.store(true);
    QMetaObject::invokeMethod(this, &TrainingWorker::doStop, Qt::QueuedConnection);
}

void TrainingWorker::saveCheckpoint()
{
    QMetaObject::invokeMethod(this, &TrainingWorker::doSave, Qt::QueuedConnection);
}

// ---------------------------------------------------------------------------------------------
// Sessions

void TrainingWorker::doStart(const TrainingSettings& settings)
{
    if (m_trainer) {
        Q_EMIT failed(tr("A run is in progress: press Stop before starting another."));
        return;
    }
    try {
        ddpm::TrainConfig config = settings.config;
        config.validate();
        // One count for the whole run (its numbers depend on it): the page's, else the budget's share.
        config.threads = config.threads > 0 ? config.threads : m_budget->trainingShare();
        holdThreads(config.threads);
        const QString dir = settings.runDir.isEmpty() ? TrainingSettings::defaultRunDir() : settings.runDir;
        if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("config.json"))))
            throw ddpm::Error("the run folder " + dir.toStdString()
                              + " already holds a run: choose another Run folder, or use Open checkpoint to continue it");
        ddpm::TrainingData data = ddpm::loadTrainingData(config);
        auto trainer = std::make_unique<ddpm::Trainer>(config, std::move(data));
        if (!QDir().mkpath(dir))
            throw ddpm::Error("cannot create the run folder " + dir.toStdString());
        m_lock = std::make_unique<ddpm::RunLock>(dir.toStdString(), kLockProgram, "stop it or choose another Run folder");
        m_run = std::make_unique<ddpm::RunDirectory>(ddpm::RunDirectory::create(dir.toStdString(), trainer->config()));
        m_trainer = std::move(trainer);
    } catch (...) {
        fail(tr("Cannot start training"), true);
        return;
    }
    beginSession(QString());
    setState(State::Running);
    scheduleChunk();
}

void TrainingWorker::doOpen(const QString& path, long long totalSteps)
{
    if (m_trainer) {
        Q_EMIT failed(tr("A run is in progress: press Stop before opening a checkpoint."));
        return;
    }
    QString runDir;
    std::vector<TrainingPoint> history;
    try {
        const QFileInfo info(path);
        if (info.isDir()) {
            runDir = path;
        } else {
            // DIR/checkpoints/step-N.ckpt continues in DIR when DIR is a run.
            const QDir parent = info.absoluteDir();
            const QString candidate = QFileInfo(parent.absolutePath()).dir().absolutePath();
            if (parent.dirName() == QLatin1String("checkpoints")
                && QFileInfo::exists(QDir(candidate).filePath(QStringLiteral("config.json"))))
                runDir = candidate;
        }
        // A run folder another process trains in is refused before anything is read from it.
        if (!runDir.isEmpty())
            m_lock = std::make_unique<ddpm::RunLock>(runDir.toStdString(), kLockProgram,
                                                     "stop it before continuing its run here");
        ddpm::CheckpointFile checkpoint;
        QString file;
        if (info.isDir()) {
            auto [newest, newestPath] = ddpm::RunDirectory::open(path.toStdString()).newestCheckpoint();
            checkpoint = std::move(newest);
            file = toQ(newestPath);
        } else {
            checkpoint = ddpm::readCheckpoint(path.toStdString());
            file = path;
        }
        const nlohmann::json meta = nlohmann::json::parse(checkpoint.metadataJson, nullptr, false);
        if (meta.is_discarded() || !meta.contains("train"))
            throw ddpm::Error(file.toStdString() + " is not a training checkpoint of DDPM Studio (no training settings inside)");
        const ddpm::TrainConfig stored = ddpm::TrainConfig::fromJson(meta["train"].dump());
        // The count the run was trained at, as `ddpm train --resume` does, so it goes on bitwise.
        const auto threads = meta.find("threads");
        holdThreads(threads != meta.end() && threads->is_number_integer() && *threads >= 1
                            && *threads <= ddpm::ThreadBudget::kMaxThreads
                        ? threads->get<int>()
                        : m_budget->trainingShare());
        ddpm::TrainingData data = ddpm::loadTrainingData(stored);
        auto trainer = std::make_unique<ddpm::Trainer>(checkpoint, std::move(data));
        if (totalSteps > trainer->stepCount())
            trainer->setTotalSteps(totalSteps);
        if (runDir.isEmpty()) {
            runDir = TrainingSettings::defaultRunDir();
            QDir().mkpath(runDir);
            m_lock = std::make_unique<ddpm::RunLock>(runDir.toStdString(), kLockProgram,
                                                     "stop it or choose another Run folder");
            m_run = std::make_unique<ddpm::RunDirectory>(ddpm::RunDirectory::create(runDir.toStdString(), trainer->config()));
        } else {
            m_run = std::make_unique<ddpm::RunDirectory>(ddpm::RunDirectory::open(runDir.toStdString()));
            m_run->truncateMetrics(trainer->stepCount());
            m_run->writeConfig(trainer->config());
            history = readMetricsHistory(runDir, trainer->stepCount(), trainer->config());
        }
        m_trainer = std::move(trainer);
        m_savedStep = m_trainer->stepCount();
        beginSession(file);
    } catch (...) {
        fail(tr("Cannot open the checkpoint"), true);
        return;
    }
    if (!history.empty()) {
        m_wallSeconds = history.back().wallSeconds;
        m_pending = std::move(history);
    }
    emitProgress(true);
    setState(State::Paused);
}

void TrainingWorker::beginSession(const QString& resumedFrom)
{
    const ddpm::Trainer& t = *m_trainer;
    m_interrupt.store(false);
    m_pending.clear();
    m_wallSeconds = 0;
    m_itemsPerSecond = 0;
    if (resumedFrom.isEmpty())
        m_savedStep = -1;

    TrainingSession s;
    s.runDir = toQ(m_run->path());
    s.resumedFrom = resumedFrom;
    s.step = t.stepCount();
    s.totalSteps = t.config().steps;
    s.images = t.isImages();
    s.parameterCount = t.parameterCount();
    s.config = t.config();
    const ddpm::TrainConfig& c = t.config();
    s.summary = tr("%1 %2 (%3 parameters), %4, %5 loss, %6 t, on %7 (%8 items)")
                    .arg(toQ(c.model), toQ(c.preset), QLocale::system().toString(s.parameterCount),
                         toQ(t.parameterization().describe()), toQ(c.loss), toQ(c.tSampling), toQ(c.data))
                    .arg(t.data().items.size(0));
    s.runtime = toQ(ddpm::runtimeDescription(t.device()));
    const at::Tensor& items = t.data().items;
    if (s.images)
        s.dataGrid = toQImage(ddpm::sampleGrid(items.narrow(0, 0, std::min<std::int64_t>(items.size(0), 16)), 192));
    else
        splitPoints(items.narrow(0, 0, std::min<std::int64_t>(items.size(0), kDataPoints)), s.dataX, s.dataY);
    Q_EMIT started(s);
}

void TrainingWorker::holdThreads(int threads)
{
    m_hold = m_budget->holdTraining(threads);
    ddpm::applyThreadCount(threads); // this thread's count, before the data and the net are built
}

void TrainingWorker::endSession()
{
    m_trainer.reset();
    m_run.reset();
    m_lock.reset();
    m_hold.release();
    m_pending.clear();
    m_interrupt.store(false);
    setState(State::Idle);
}

void TrainingWorker::setState(State state)
{
    m_state = state;
    Q_EMIT stateChanged(state, m_trainer ? m_trainer->stepCount() : 0);
}

void TrainingWorker::fail(const QString& context, bool endIt)
{
    const QString message = currentErrorText(context);
    if (endIt) {
        m_trainer.reset();
        m_run.reset();
        m_lock.reset();
        m_hold.release();
        m_pending.clear();
        m_interrupt.store(false);
    }
    Q_EMIT failed(message);
    if (endIt)
        setState(State::Idle);
}

// ---------------------------------------------------------------------------------------------
// Running

void TrainingWorker::doPause()
{
    m_interrupt.store(false);
    if (!m_trainer || m_state != State::Running)
        return;
    emitProgress(true);
    setState(State::Paused);
}

void TrainingWorker::doResume()
{
    if (!m_trainer || m_state != State::Paused)
        return;
    if (m_trainer->stepCount() >= m_trainer->config().steps) {
        Q_EMIT failed(tr("The run has reached its %1 steps: raise Steps to train further.")
                          .arg(m_trainer->config().steps));
        return;
    }
    m_interrupt.store(false);
    setState(State::Running);
    scheduleChunk();
}

void TrainingWorker::doStep()
{
    if (!m_trainer || m_state != State::Paused)
        return;
    try {
        if (m_trainer->stepCount() >= m_trainer->config().steps)
            throw ddpm::Error("the run has reached its " + std::to_string(m_trainer->config().steps) + " steps");
        trainOneStep();
        emitProgress(true);
    } catch (const ddpm::TrainingDiverged&) {
        fail(tr("Training diverged (the last good checkpoint stands)"), true);
        return;
    } catch (...) {
        fail(tr("The step failed"), false);
        return;
    }
    setState(State::Paused); // tells the page the step is done
}

void TrainingWorker::doSetTotalSteps(long long steps)
{
    if (!m_trainer || m_state != State::Paused)
        return;
    if (steps == m_trainer->config().steps)
        return;
    if (steps <= m_trainer->stepCount()) {
        Q_EMIT failed(tr("Steps must be more than the %1 steps the run has done; it stays at %2.")
                          .arg(m_trainer->stepCount())
                          .arg(m_trainer->config().steps));
        emitProgress(true); // the page shows the total that stands
        return;
    }
    try {
        m_trainer->setTotalSteps(steps);
        m_run->writeConfig(m_trainer->config());
    } catch (...) {
        fail(tr("Cannot change the run's steps"), false);
    }
    emitProgress(true);
}

void TrainingWorker::doStop()
{
    m_interrupt.store(false);
    if (!m_trainer) {
        setState(State::Idle); // nothing to stop (a start that failed): the answer the caller waits for
        return;
    }
    emitProgress(true);
    try {
        if (m_trainer->stepCount() > 0 && m_savedStep != m_trainer->stepCount())
            saveNow();
    } catch (...) {
        fail(tr("Stopped without a checkpoint"), true);
        return;
    }
    endSession();
}

void TrainingWorker::doSave()
{
    if (!m_trainer)
        return;
    try {
        saveNow();
    } catch (...) {
        fail(tr("Cannot save the checkpoint"), false);
    }
}

QString TrainingWorker::saveNow()
{
    const QString path = toQ(m_run->saveCheckpoint(*m_trainer, m_trainer->config().keep));
    m_savedStep = m_trainer->stepCount();
    Q_EMIT checkpointSaved(path, m_savedStep);
    return path;
}

void TrainingWorker::scheduleChunk()
{
    if (m_chunkQueued || m_state != State::Running)
        return;
    m_chunkQueued = true;
    QMetaObject::invokeMethod(this, &TrainingWorker::runChunk, Qt::QueuedConnection);
}

void TrainingWorker::runChunk()
{
    m_chunkQueued = false;
    if (!m_trainer || m_state != State::Running)
        return;
    const long long total = m_trainer->config().steps;
    const auto end = Clock::now() + kChunk;
    try {
        while (!m_interrupt.load() && m_trainer->stepCount() < total) {
            trainOneStep();
            if (Clock::now() >= end)
                break;
        }
    } catch (const ddpm::TrainingDiverged&) {
        emitProgress(true);
        fail(tr("Training diverged (the last good checkpoint stands)"), true);
        return;
    } catch (...) {
        emitProgress(true);
        fail(tr("Training stopped"), true);
        return;
    }
    if (m_trainer->stepCount() >= total) {
        emitProgress(true);
        const qint64 step = m_trainer->stepCount();
        Q_EMIT finished(step);
        endSession();
        return;
    }
    emitProgress(false);
    scheduleChunk();
}

void TrainingWorker::trainOneStep()
{
    const auto begin = Clock::now();
    const ddpm::StepReport r = m_trainer->step();
    const ddpm::TrainConfig& c = m_trainer->config();
    if (r.step % c.logEvery == 0)
        m_run->appendMetrics(r);
    if (r.step % c.checkpointEvery == 0 || r.step == c.steps)
        saveNow();
    m_itemsPerSecond = m_itemsPerSecond <= 0 ? r.itemsPerSecond : 0.95 * m_itemsPerSecond + 0.05 * r.itemsPerSecond;

    TrainingPoint p;
    p.step = r.step;
    p.loss = r.loss;
    p.gradNorm = r.gradNorm;
    p.lr = r.lr;
    p.itemsPerSecond = r.itemsPerSecond;
    p.bucketLoss = r.bucketLoss;
    m_wallSeconds += std::chrono::duration<double>(Clock::now() - begin).count();
    p.wallSeconds = m_wallSeconds;
    m_pending.push_back(p);

    if (c.sampleEvery > 0 && r.step % c.sampleEvery == 0 && !m_interrupt.load()) {
        const auto sampling = Clock::now();
        makePreview(r.step);
        m_wallSeconds += std::chrono::duration<double>(Clock::now() - sampling).count();
    }
}

void TrainingWorker::makePreview(long long step)
{
    emitProgress(true); // the curves are current while the preview samples
    Q_EMIT previewStarted(step);
    ddpm::PreviewSamples samples;
    try {
        // The chain and seed `ddpm train` uses at this step, so both draw the same samples.
        samples = ddpm::samplePreview(*m_trainer, &m_interrupt);
    } catch (const ddpm::Cancelled&) {
        return; // paused or stopped mid-preview: the command matters, the preview does not
    }
    TrainingPreview preview;
    preview.step = step;
    preview.chain = toQ(samples.chain);
    m_run->saveSamples(step, samples.picture);
    if (m_trainer->isImages())
        preview.image = toQImage(samples.picture);
    else
        splitPoints(samples.samples, preview.x, preview.y);
    Q_EMIT previewReady(preview);
}

void TrainingWorker::emitProgress(bool force)
{
    if (!m_trainer || (m_pending.empty() && !force) || !m_gate.pass(force))
        return;
    TrainingProgress p;
    p.points.swap(m_pending);
    p.step = m_trainer->stepCount();
    p.totalSteps = m_trainer->config().steps;
    p.itemsPerSecond = m_itemsPerSecond;
    if (m_itemsPerSecond > 0)
        p.etaSeconds = double(p.totalSteps - p.step) * m_trainer->config().batch / m_itemsPerSecond;
    Q_EMIT progress(p);
}

} // namespace ddpm::ui
