// runtime.h pulls in a c10 header: core before Qt.
#include "ddpm/runtime.h"

#include "pages/training_page.h"

#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/wheel_guard.h"
#include "widgets/export.h"
#include "widgets/flow_layout.h"
#include "widgets/font_scaled_width.h"
#include "widgets/lesson_panel.h"
#include "widgets/sample_preview.h"
#include "widgets/training_options.h"
#include "widgets/training_plots.h"

namespace ddpm::ui {

namespace {

const QString kSmoothingKey = QStringLiteral("training/smoothing");
const QString kLogYKey = QStringLiteral("training/logY");
const QString kTimeAxisKey = QStringLiteral("training/timeAxis");

QString durationText(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e8)
        return QStringLiteral("?");
    const long long s = std::llround(seconds);
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 s").arg(s);
}

/// A path that a word-wrapping label may break after any '/'.
QString breakablePath(const QString& path)
{
    QString text = path;
    return text.replace(QLatin1Char('/'), QStringLiteral("/\u200b"));
}

QString stepsText(long long n)
{
    return QLocale::system().toString(n);
}

/// What the data preview shows for settings: the data and the size its images are brought to.
QString dataKey(const ddpm::TrainConfig& config)
{
    return QStringLiteral("%1 @ %2").arg(QString::fromStdString(config.data)).arg(config.imageSize);
}

} // namespace

TrainingPage::TrainingPage(QWidget* parent, std::shared_ptr<ddpm::ThreadBudget> budget)
    : QWidget(parent), m_budget(threadBudgetOrOwn(std::move(budget)))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(buildControls());
    auto* centre = new QVBoxLayout;
    centre->addWidget(new LessonPanel(QStringLiteral("training"), this));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    centre->addWidget(m_summary);
    m_plots = new TrainingPlots(this);
    centre->addWidget(m_plots, 1);
    layout->addLayout(centre, 1);
    layout->addWidget(buildPreviews());

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("training-worker"));
    m_worker = new TrainingWorker(m_budget); // no parent: it lives in m_thread and is deleted after the join
    m_worker->moveToThread(m_thread);
    connect(m_worker, &TrainingWorker::started, this, &TrainingPage::onStarted, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::stateChanged, this, &TrainingPage::onState, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::progress, this, &TrainingPage::onProgress, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::previewStarted, this, &TrainingPage::onPreviewStarted, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::previewReady, this, &TrainingPage::onPreview, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::checkpointSaved, this, &TrainingPage::onCheckpoint, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::finished, this, &TrainingPage::onFinished, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::failed, this, &TrainingPage::onFailed, Qt::QueuedConnection);
    m_thread->start();

    m_inspectorThread = new QThread(this);
    m_inspectorThread->setObjectName(QStringLiteral("data-inspector"));
    m_inspector = new DataInspector;
    m_inspector->moveToThread(m_inspectorThread);
    connect(m_inspector, &DataInspector::inspected, this, &TrainingPage::onInspected, Qt::QueuedConnection);
    m_inspectorThread->start();
    // Typing a folder or stepping through presets asks once it settles.
    m_inspectTimer = new QTimer(this);
    m_inspectTimer->setSingleShot(true);
    m_inspectTimer->setInterval(150);
    connect(m_inspectTimer, &QTimer::timeout, this, &TrainingPage::requestInspection);
    connect(m_options, &TrainingOptions::modelInputsChanged, this, &TrainingPage::onModelInputsChanged);
    connect(m_options, &TrainingOptions::totalStepsEdited, this, &TrainingPage::onTotalStepsEdited);
    connect(m_options, &TrainingOptions::edited, this, &TrainingPage::onOptionsEdited);

    m_runtime->setText(QString::fromStdString(ddpm::runtimeDescription(ddpm::pickDevice("auto"))));
    m_summary->setText(tr("Choose the data and the model on the left, then press <b>Start</b>. The curves, "
                          "a preview of the EMA model's samples and checkpoints follow while it trains."));
    m_samplePreview->setPlaceholder(tr("No samples yet"));
    updateButtons();
    m_inspectTimer->start();
}

TrainingPage::~TrainingPage()
{
    if (m_state != State::Idle || m_busy)
        m_worker->stop(); // saves a checkpoint: the run can be continued
    // Quit from the worker's own queue, after the stop (QThread::quit drops events still queued).
    QThread* thread = m_thread;
    QMetaObject::invokeMethod(m_worker, [thread] { thread->quit(); }, Qt::QueuedConnection);
    m_thread->wait();
    delete m_worker;
    m_inspectorThread->quit();
    m_inspectorThread->wait();
    delete m_inspector;
}

// ---------------------------------------------------------------------------------------------
// Building the widgets

QPushButton* TrainingPage::addButton(const QString& objectName, const QString& text, const QString& toolTip,
                                     void (TrainingPage::*slot)())
{
    auto* button = new QPushButton(text, this);
    button->setObjectName(objectName);
    button->setToolTip(toolTip);
    connect(button, &QPushButton::clicked, this, slot);
    return button;
}

QWidget* TrainingPage::buildControls()
{
    auto* panel = new QWidget(this);
    auto* column = new QVBoxLayout(panel);
    column->setContentsMargins(0, 0, 0, 0);

    auto* run = new QGroupBox(tr("Training"), panel);
    auto* runLayout = new QVBoxLayout(run);
    // A line each where they fit; more lines in a narrow column or a large font, never cut.
    auto* buttons = new FlowLayout;
    auto* checkpoints = new FlowLayout;
    buttons->setUniformWidths(true);
    checkpoints->setUniformWidths(true);
    m_start = addButton(QStringLiteral("start"), tr("Start"), tr("Start a new run with the settings below, or resume a paused one."),
                        &TrainingPage::startOrResume);
    m_start->setDefault(true);
    m_pause = addButton(QStringLiteral("pause"), tr("Pause"), tr("Pause between two steps; nothing is lost."),
                        &TrainingPage::pause);
    m_step1 = addButton(QStringLiteral("step"), tr("Step"), tr("Train exactly one step while paused."),
                        &TrainingPage::singleStep);
    m_stop = addButton(QStringLiteral("stop"), tr("Stop"), tr("Save a checkpoint and end the run (Open checkpoint continues it)."),
                       &TrainingPage::stop);
    m_save = addButton(QStringLiteral("saveCheckpoint"), tr("Save checkpoint"),
                       tr("Write a checkpoint of the run now (the run folder keeps the newest three)."),
                       &TrainingPage::saveCheckpoint);
    m_open = addButton(QStringLiteral("openCheckpoint"), tr("Open checkpoint…"),
                       tr("Continue a run from a checkpoint file (a run's checkpoints/step-N.ckpt), paused at its step; "
                          "raise Steps then to train it further."),
                       &TrainingPage::openCheckpointAsk);
    for (QPushButton* b : {m_start, m_pause, m_step1, m_stop})
        buttons->addWidget(b);
    checkpoints->addWidget(m_save);
    checkpoints->addWidget(m_open);
    runLayout->addLayout(buttons);
    runLayout->addLayout(checkpoints);

    m_progress = new QProgressBar(run);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    runLayout->addWidget(m_progress);
    const auto addLabel = [run, runLayout](const QString& objectName) {
        auto* label = new QLabel(run);
        label->setObjectName(objectName);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        // Long paths must not widen the column: the label wraps to whatever width it gets.
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        runLayout->addWidget(label);
        return label;
    };
    m_status = addLabel(QStringLiteral("status"));
    m_speed = addLabel(QStringLiteral("speed"));
    m_runtime = addLabel(QStringLiteral("runtime"));
    m_runtime->setToolTip(tr("Where torch computes and how many threads one operation uses "
                             "(Settings › Compute threads changes it)."));
    m_runFolder = addLabel(QStringLiteral("runFolderLabel"));
    m_checkpoint = addLabel(QStringLiteral("checkpointLabel"));
    auto* exports = new FlowLayout;
    exports->setUniformWidths(true);
    m_exportCsv = addButton(QStringLiteral("exportCsv"), tr("Export CSV…"),
                            tr("Save every step's loss, smoothed loss, gradient norm, LR, speed and loss per tenth of t."),
                            &TrainingPage::exportCsvAsk);
    m_exportPng = addButton(QStringLiteral("exportPng"), tr("Export PNG…"), tr("Save the four plots as one PNG image."),
                            &TrainingPage::exportPngAsk);
    exports->addWidget(m_exportCsv);
    exports->addWidget(m_exportPng);
    runLayout->addLayout(exports);
    column->addWidget(run);

    m_options = new TrainingOptions(panel);
    column->addWidget(m_options);
    column->addStretch(1);

    // On a short screen the column scrolls instead of squeezing the plots.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(panel);
    installWheelGuard(panel); // the wheel scrolls the column, not the control under the pointer
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded); // never hides a button on a narrow screen
    scroll->setMinimumWidth(300);
    scroll->setMaximumWidth(370);
    // Wider in presentation mode, not clipped; its minimum stays, as the column scrolls, so the
    // page still fits a 1280-pixel screen.
    scaleWidthWithFont(scroll, ScaledLimits::MaximumOnly);
    return scroll;
}

QWidget* TrainingPage::buildPreviews()
{
    auto* column = new QWidget(this);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    m_dataPreview = new SamplePreview(tr("Data"), column);
    m_dataPreview->setObjectName(QStringLiteral("dataPreview"));
    m_samplePreview = new SamplePreview(tr("EMA samples"), column);
    m_samplePreview->setObjectName(QStringLiteral("samplePreview"));
    layout->addWidget(m_dataPreview, 1);
    layout->addWidget(m_samplePreview, 1);
    column->setMinimumWidth(100);
    column->setMaximumWidth(300);
    scaleWidthWithFont(column);
    return column;
}

// ---------------------------------------------------------------------------------------------
// Commands

void TrainingPage::send(void (TrainingWorker::*command)())
{
    m_busy = true;
    updateButtons();
    (m_worker->*command)();
}

void TrainingPage::startOrResume()
{
    if (m_busy)
        return;
    if (m_state == State::Paused) {
        send(&TrainingWorker::resume);
        return;
    }
    if (m_state != State::Idle)
        return;
    if (m_answeredId != m_inspectId) {
        // Counting parameters builds a net from torch's global generator, which the trainer
        // seeds to build its own: start once the count is in, so the run's weights follow its seed.
        m_startPending = true;
        m_busy = true;
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("counting parameters…"));
        updateButtons();
        return;
    }
    TrainingSettings settings = m_options->settings();
    // The run keeps this count to its end (recorded in config.json); the other pages' jobs get
    // what it leaves (ThreadBudget).
    settings.config.threads = m_budget->trainingShare();
    m_busy = true;
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("loading the data…"));
    updateButtons();
    m_worker->start(settings);
}

void TrainingPage::pause()
{
    if (m_state == State::Running && !m_busy)
        send(&TrainingWorker::pause);
}

void TrainingPage::singleStep()
{
    if (m_state == State::Paused && !m_busy)
        send(&TrainingWorker::singleStep);
}

void TrainingPage::stop()
{
    if (m_startPending) {
        m_startPending = false;
        m_busy = false;
        m_progress->setRange(0, 1);
        m_progress->setFormat(tr("idle"));
        updateButtons();
        return;
    }
    if (m_state == State::Idle && !m_busy)
        return; // while a run starts, the stop is queued after it
    m_progress->setFormat(tr("stopping…"));
    send(&TrainingWorker::stop);
}

void TrainingPage::saveCheckpoint()
{
    if (m_state != State::Idle)
        m_worker->saveCheckpoint();
}

void TrainingPage::openCheckpointAsk()
{
    openCheckpoint(QString());
}

void TrainingPage::openCheckpoint(const QString& path)
{
    if (m_state != State::Idle || m_busy)
        return;
    QString chosen = path;
    if (chosen.isEmpty()) {
        const QString runs = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs");
        chosen = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), runs,
                                              tr("Checkpoints (*.ckpt);;All files (*)"));
        if (chosen.isEmpty())
            return;
    }
    m_busy = true;
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("loading the checkpoint…"));
    updateButtons();
    m_worker->openCheckpoint(chosen, m_options->settings().config.steps);
}

void TrainingPage::updateButtons()
{
    const bool idle = m_state == State::Idle;
    const bool paused = m_state == State::Paused;
    const bool running = m_state == State::Running;
    m_start->setText(paused ? tr("Resume") : tr("Start"));
    m_start->setEnabled(!m_busy && (idle || paused));
    m_pause->setEnabled(!m_busy && running);
    m_step1->setEnabled(!m_busy && paused);
    m_stop->setEnabled(!idle || m_busy);
    m_save->setEnabled(!m_busy && !idle);
    m_open->setEnabled(!m_busy && idle);
    // A paused run's total may change; everything else defines the run.
    using Editable = TrainingOptions::Editable;
    m_options->setEditable(m_busy ? Editable::Nothing
                           : idle ? Editable::All
                           : paused ? Editable::TotalStepsOnly
                                    : Editable::Nothing,
                           m_step);
    m_exportCsv->setEnabled(m_plots->pointCount() > 0);
    m_exportPng->setEnabled(m_plots->pointCount() > 0);
}

void TrainingPage::onTotalStepsEdited(long long steps)
{
    // The box's minimum keeps it above the steps done; the worker checks again.
    if (m_state == State::Paused && !m_busy && steps > m_step && steps != m_session.totalSteps)
        m_worker->setTotalSteps(steps);
}

void TrainingPage::onOptionsEdited()
{
    if (m_state != State::Idle || m_busy || m_session.runDir.isEmpty() || m_showsPreviousRun)
        return;
    // The run has ended and its files stay in its folder; its curves and samples stay on the
    // page too (to look at, to export), marked as the previous run's until Start or Open.
    m_showsPreviousRun = true;
    m_summary->setText(tr("<b>Previous run</b>, ended at step %1 in %2: the curves and EMA samples are this run's, "
                          "not the settings' on the left. <b>Start</b> trains those in a new run; "
                          "<b>Open checkpoint…</b> continues this one.")
                           .arg(stepsText(m_step), QFileInfo(m_session.runDir).fileName().toHtmlEscaped())
                       + QStringLiteral("<br>") + m_session.summary.toHtmlEscaped());
    if (m_previewShown)
        m_samplePreview->setCaption(tr("Previous run: %1").arg(m_previewCaption));
    else
        m_samplePreview->setPlaceholder(tr("The previous run ended before a preview"));
}

void TrainingPage::showNextPreviewStep()
{
    const long long every = m_session.config.sampleEvery;
    const long long next = every > 0 ? (m_step / every + 1) * every : 0;
    if (every <= 0)
        m_samplePreview->setPlaceholder(tr("Previews are off (Preview every: never)"));
    else if (next > m_session.totalSteps)
        m_samplePreview->setPlaceholder(tr("No preview before the run ends at step %1 (one every %2 steps)")
                                            .arg(stepsText(m_session.totalSteps), stepsText(every)));
    else if (m_step == 0)
        m_samplePreview->setPlaceholder(tr("First preview at step %1").arg(stepsText(next)));
    else
        m_samplePreview->setPlaceholder(tr("Next preview at step %1").arg(stepsText(next)));
}

// ---------------------------------------------------------------------------------------------
// Before a run: the data preview and the parameter count

void TrainingPage::onModelInputsChanged()
{
    m_inspectTimer->start();
    if (m_state != State::Idle || m_busy)
        return;
    const ddpm::TrainConfig c = m_options->settings().config;
    if (dataKey(c) == m_dataPreviewKey)
        return;
    // Another data set (or size) is chosen: the one shown is not it, even while the new one loads.
    m_dataPreviewKey.clear();
    m_dataPreview->setPlaceholder(tr("Reading %1…").arg(QString::fromStdString(c.data)));
}

void TrainingPage::requestInspection()
{
    if (m_state != State::Idle || m_busy)
        return;
    const TrainingSettings s = m_options->settings();
    m_inspectDataKey = dataKey(s.config);
    m_options->setParameterText(tr("counting…"));
    m_inspector->inspect(++m_inspectId, QString::fromStdString(s.config.data), s.config.imageSize,
                         QString::fromStdString(s.config.preset), QString::fromStdString(s.config.variance));
}

void TrainingPage::onInspected(const DataInspection& result)
{
    if (result.id != m_inspectId)
        return;
    m_answeredId = result.id;
    if (m_startPending) {
        m_startPending = false;
        m_busy = false;
        startOrResume();
    }
    if (!result.dataError.isEmpty()) {
        m_options->setParameterText(tr("—"), result.dataError);
        if (m_state == State::Idle) {
            m_dataPreview->setPlaceholder(result.dataError);
            m_dataPreviewKey = m_inspectDataKey;
        }
        return;
    }
    if (result.parameters >= 0)
        m_options->setParameterText(tr("%1 on %2").arg(QLocale::system().toString(result.parameters), result.shape));
    else
        m_options->setParameterText(tr("Does not fit: %1").arg(result.presetError), result.presetError);
    if (m_state != State::Idle)
        return; // the run's own data is shown
    m_dataPreviewKey = m_inspectDataKey;
    if (!result.grid.isNull())
        m_dataPreview->setImage(result.grid, tr("%1: the first %2 images (%3)").arg(result.dataSpec).arg(16).arg(result.shape));
    else
        m_dataPreview->setPoints(result.x, result.y, {}, {},
                                 tr("%1: %2 points").arg(result.dataSpec).arg(result.x.size()));
}

// ---------------------------------------------------------------------------------------------
// What the worker says

void TrainingPage::onStarted(const TrainingSession& session)
{
    m_session = session;
    m_step = session.step;
    m_previewShown = false;
    m_showsPreviousRun = false;
    m_dataPreviewKey = dataKey(session.config);
    if (!session.resumedFrom.isEmpty())
        m_options->setSettings({session.config, session.runDir});
    m_plots->clear(session.config.diffusionSteps);
    m_summary->setText(session.summary.toHtmlEscaped());
    m_runtime->setText(tr("Device: %1").arg(session.runtime));
    m_runFolder->setText(tr("Run folder: %1").arg(breakablePath(session.runDir)));
    m_runFolder->setToolTip(session.runDir);
    m_checkpoint->setText(session.resumedFrom.isEmpty() ? tr("No checkpoint yet")
                                                        : tr("Resumed from %1").arg(QFileInfo(session.resumedFrom).fileName()));
    if (session.images)
        m_dataPreview->setImage(session.dataGrid, tr("%1: real examples").arg(QString::fromStdString(session.config.data)));
    else
        m_dataPreview->setPoints(session.dataX, session.dataY, {}, {},
                                 tr("%1: %2 of its points").arg(QString::fromStdString(session.config.data))
                                     .arg(session.dataX.size()));
    showNextPreviewStep();
    m_progress->setRange(0, 1000);
    m_progress->setFormat(tr("step %1 of %2").arg(stepsText(m_step), stepsText(session.totalSteps)));
}

void TrainingPage::onState(TrainingWorker::State state, qint64 step)
{
    m_state = state;
    m_busy = false;
    if (state != State::Idle)
        m_step = step;
    const QString where = tr("step %1 of %2").arg(stepsText(m_step), stepsText(m_session.totalSteps));
    switch (state) {
    case State::Running: m_status->setText(tr("Training: %1").arg(where)); break;
    case State::Paused: m_status->setText(tr("Paused at %1").arg(where)); break;
    case State::Idle:
        m_status->setText(m_session.runDir.isEmpty() ? QString() : tr("Ended at %1").arg(where));
        m_progress->setRange(0, 1);
        m_progress->setValue(m_session.runDir.isEmpty() ? 0 : 1);
        m_progress->setFormat(m_session.runDir.isEmpty() ? tr("idle") : tr("ended at step %1").arg(stepsText(m_step)));
        m_speed->clear();
        m_runtime->setText(QString::fromStdString(ddpm::runtimeDescription(ddpm::pickDevice("auto"))));
        // No "next preview" or "sampling…" after the end: the last preview, or that there was none.
        if (m_previewShown)
            m_samplePreview->setCaption(m_previewCaption);
        else if (!m_session.runDir.isEmpty())
            m_samplePreview->setPlaceholder(tr("The run ended before a preview"));
        break;
    }
    updateButtons();
    if (state == State::Idle)
        m_inspectTimer->start();
    Q_EMIT stateChanged(state);
}

void TrainingPage::onProgress(const TrainingProgress& p)
{
    m_plots->append(p.points);
    m_step = p.step;
    const bool newTotal = p.totalSteps != m_session.totalSteps;
    m_session.totalSteps = p.totalSteps;
    if (newTotal && !m_previewShown)
        showNextPreviewStep(); // a raised total may bring the next preview within the run
    const double fraction = p.totalSteps > 0 ? double(p.step) / double(p.totalSteps) : 0;
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(std::lround(1000 * fraction)));
    m_progress->setFormat(tr("step %1 of %2").arg(stepsText(p.step), stepsText(p.totalSteps)));
    if (p.itemsPerSecond > 0)
        m_speed->setText(tr("%1 %2/s · ETA %3")
                             .arg(QLocale::system().toString(p.itemsPerSecond, 'f', 0),
                                  m_session.images ? tr("images") : tr("points"), durationText(p.etaSeconds)));
    if (m_state == State::Running)
        m_status->setText(tr("Training: step %1 of %2").arg(stepsText(p.step), stepsText(p.totalSteps)));
    else if (m_state == State::Paused) // a new total
        m_status->setText(tr("Paused at %1").arg(tr("step %1 of %2").arg(stepsText(p.step), stepsText(p.totalSteps))));
    if (!p.points.empty() && !m_exportCsv->isEnabled())
        updateButtons();
}

void TrainingPage::onPreviewStarted(qint64 step)
{
    m_samplePreview->setCaption(tr("Sampling the EMA model at step %1 (training waits)…").arg(stepsText(step)));
}

void TrainingPage::onPreview(const TrainingPreview& preview)
{
    m_previewShown = true;
    m_previewCaption = tr("EMA model at step %1 (%2)").arg(stepsText(preview.step), preview.chain);
    if (!preview.image.isNull())
        m_samplePreview->setImage(preview.image, m_previewCaption);
    else
        m_samplePreview->setPoints(m_session.dataX, m_session.dataY, preview.x, preview.y, m_previewCaption);
}

void TrainingPage::onCheckpoint(const QString& path, qint64 step)
{
    m_checkpoint->setText(tr("Checkpoint at step %1: %2").arg(stepsText(step), QFileInfo(path).fileName()));
    m_checkpoint->setToolTip(path);
    Q_EMIT modelSaved(QFileInfo(path).dir().absolutePath().section(QLatin1Char('/'), 0, -2));
}

void TrainingPage::onFinished(qint64 step)
{
    m_summary->setText(tr("Finished: %1 steps; the last checkpoint is in the run folder.").arg(stepsText(step))
                       + QStringLiteral("<br>") + m_session.summary.toHtmlEscaped());
}

void TrainingPage::onFailed(const QString& message)
{
    m_busy = false;
    if (m_state == State::Idle) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progress->setFormat(tr("failed"));
    }
    updateButtons();
    showError(message);
    Q_EMIT trainingFailed(message);
}

void TrainingPage::showError(const QString& message)
{
    // Not exec(): a modal loop here would stall the page's signals (and tests).
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Training"), message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("trainingErrorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// ---------------------------------------------------------------------------------------------
// Export and settings

bool TrainingPage::exportCsv(const QString& path)
{
    return m_plots->pointCount() > 0 && saveText(this, path, m_plots->csv());
}

QString TrainingPage::figureCaption() const
{
    if (m_session.runDir.isEmpty())
        return QString();
    const ddpm::TrainConfig& c = m_session.config;
    return tr("Training: %1; schedule %2, T = %3; batch %4, learning rate %5, EMA decay %6, seed %7; "
              "step %8 of %9; run folder %10. DDPM Studio.")
        .arg(m_session.summary, QString::fromStdString(c.schedule))
        .arg(c.diffusionSteps)
        .arg(c.batch)
        .arg(c.lr, 0, 'g', 3)
        .arg(c.emaDecay, 0, 'g', 6)
        .arg(c.seed)
        .arg(stepsText(m_step), stepsText(m_session.totalSteps), QFileInfo(m_session.runDir).fileName());
}

bool TrainingPage::exportPng(const QString& path)
{
    return m_plots->exportPng(path, figureCaption());
}

void TrainingPage::exportCsvAsk()
{
    const QString path = askSavePath(this, tr("Export curves"), QStringLiteral("training.csv"), tr("CSV table (*.csv)"));
    if (!path.isEmpty())
        exportCsv(path);
}

void TrainingPage::exportPngAsk()
{
    const QString path = askSavePath(this, tr("Export plots"), QStringLiteral("training.png"), tr("PNG image (*.png)"));
    if (!path.isEmpty())
        exportPng(path);
}

void TrainingPage::saveSettings(QSettings& settings) const
{
    m_options->saveSettings(settings);
    settings.setValue(kSmoothingKey, m_plots->smoothing());
    settings.setValue(kLogYKey, m_plots->logY());
    settings.setValue(kTimeAxisKey, m_plots->timeAxis());
}

void TrainingPage::restoreSettings(const QSettings& settings)
{
    m_options->restoreSettings(settings);
    m_plots->setSmoothing(settings.value(kSmoothingKey, m_plots->smoothing()).toDouble());
    m_plots->setLogY(settings.value(kLogYKey, false).toBool());
    m_plots->setTimeAxis(settings.value(kTimeAxisKey, false).toBool());
}

} // namespace ddpm::ui
