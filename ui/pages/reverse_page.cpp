// Core (torch) headers before Qt's: QT_NO_KEYWORDS aside, c10 must come first.
#include <ATen/ATen.h>

#include "ddpm/animation.h"
#include "ddpm/sample_grid.h"
#include "ddpm/strip.h"

#include "pages/reverse_page.h"

#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "image_convert.h"
#include "chain_images.h"
#include "widgets/wheel_guard.h"
#include "widgets/chain_plots.h"
#include "widgets/chain_scrubber.h"
#include "widgets/demo_view.h"
#include "widgets/export.h"
#include "widgets/flow_layout.h"
#include "widgets/font_scaled_width.h"
#include "widgets/image_view.h"
#include "widgets/least_height.h"
#include "widgets/lesson_panel.h"
#include "widgets/message_text.h"
#include "widgets/particle_view.h"
#include "widgets/plot.h"
#include "widgets/playback_keys.h"
#include "widgets/sampling_options.h"
#include "workers/demo_worker.h"
#include "workers/worker_support.h"

namespace ddpm::ui {

namespace {

/// The progress bar's text while a chain runs, with the torch threads its steps run on (the
/// thread budget's: fewer while training runs).
QString chainProgressFormat(int threads)
{
    if (threads <= 0)
        return QObject::tr("step %v of %m");
    return threads == 1 ? QObject::tr("step %v of %m \u00b7 1 thread")
                        : QObject::tr("step %v of %m \u00b7 %1 threads").arg(threads);
}

const QString kSpeedKey = QStringLiteral("reverse/speed");
const QString kGridPartKey = QStringLiteral("reverse/gridShows");
const QString kShowX0Key = QStringLiteral("reverse/showX0");
const QString kShowNoiseKey = QStringLiteral("reverse/showNoise");
const QString kStripKey = QStringLiteral("reverse/stripTs");
const QString kComparisonKey = QStringLiteral("reverse/comparison");

/// Animations keep at most this many frames (evenly chosen, both ends kept).
constexpr int kMaxAnimationFrames = 240;
/// Strip tiles and animation grids are enlarged (whole pixels) to at least this many pixels.
constexpr int kStripTileSide = 84;
constexpr int kAnimationSide = 256;
/// Exported strips are at least this wide, so the settings line under them reads as lines.
constexpr int kCaptionWidth = 560;

/// count indices evenly over 0..n-1, both ends kept, without repeats.
QVector<int> evenlySpaced(int n, int count)
{
    QVector<int> out;
    if (n <= 0)
        return out;
    count = std::min(count, n);
    for (int j = 0; j < count; ++j) {
        const int i = count == 1 ? 0 : static_cast<int>(std::lround(double(j) * (n - 1) / (count - 1)));
        if (out.isEmpty() || out.back() != i)
            out.push_back(i);
    }
    return out;
}

at::Tensor pointsTensor(const QVector<float>& values, qint64 dims)
{
    return at::from_blob(const_cast<float*>(values.constData()), {values.size() / dims, dims}, at::kFloat).clone();
}

} // namespace

ReversePage::ReversePage(QWidget* parent, std::shared_ptr<ddpm::ThreadBudget> budget)
    : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(buildControls());
    // The lesson above the results, outside them (the view's export shows the results only).
    auto* right = new QVBoxLayout;
    right->setContentsMargins(0, 0, 0, 0);
    right->addWidget(new LessonPanel(QStringLiteral("reverse"), this));
    right->addWidget(buildResults(), 1);
    layout->addLayout(right, 1);
    // The scrubber's Space, Left and Right wherever the focus is on the page, but in a text field.
    addPlaybackKeys(this, {[this] { m_scrubber->togglePlay(); }, [this] { m_scrubber->stepBack(); },
                           [this] { m_scrubber->stepForward(); }});

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("sampling-worker"));
    budget = threadBudgetOrOwn(std::move(budget)); // one for both workers: they take turns on one thread
    m_worker = new SamplingWorker(budget); // no parent: it lives in m_thread and is deleted after the join
    m_worker->moveToThread(m_thread);
    connect(m_worker, &SamplingWorker::started, this, &ReversePage::onStarted, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::update, this, &ReversePage::onUpdate, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::finished, this, &ReversePage::onFinished, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::failed, this, &ReversePage::onFailed, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::cancelled, this, &ReversePage::onCancelled, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::frameRecomputed, this, &ReversePage::onFrameRecomputed, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::recomputeFailed, this, &ReversePage::onRecomputeFailed, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::animationWritten, this, [this](const QString& path) {
        m_status->setText(tr("Animation written: %1").arg(QFileInfo(path).fileName()));
        m_exportAnimation->setEnabled(hasChain());
        Q_EMIT animationExported(path);
    }, Qt::QueuedConnection);
    connect(m_worker, &SamplingWorker::animationFailed, this, [this](const QString& message) {
        m_status->setText(tr("The animation was not written."));
        m_exportAnimation->setEnabled(hasChain());
        showError(tr("Cannot write the animation"), message);
        Q_EMIT animationFailed(message);
    }, Qt::QueuedConnection);
    // The demonstrations share the thread: a demonstration waits for a chain in flight.
    m_demoWorker = new DemoWorker(std::move(budget));
    m_demoWorker->moveToThread(m_thread);
    connect(m_demoWorker, &DemoWorker::progress, this, &ReversePage::onDemoProgress, Qt::QueuedConnection);
    connect(m_demoWorker, &DemoWorker::finished, this, &ReversePage::onDemoFinished, Qt::QueuedConnection);
    connect(m_demoWorker, &DemoWorker::failed, this, [this](quint64 id, const QString& message) {
        if (id != m_demoRunningId)
            return;
        endDemo(tr("failed"));
        showError(tr("Cannot run the demonstration"), message);
        Q_EMIT demoFailed(message);
    }, Qt::QueuedConnection);
    connect(m_demoWorker, &DemoWorker::cancelled, this, [this](quint64 id) {
        if (id != m_demoRunningId)
            return;
        endDemo(tr("cancelled"));
        Q_EMIT demoCancelled();
    }, Qt::QueuedConnection);
    m_thread->start();

    setRunning(false);
    updateSummary();
}

ReversePage::~ReversePage()
{
    for (const auto& stop : {m_stop, m_demoStop})
        if (stop)
            stop->store(true);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_demoWorker;
}

// ---------------------------------------------------------------------------------------------
// Building the widgets

QPushButton* ReversePage::addButton(const QString& objectName, const QString& text, const QString& toolTip,
                                    void (ReversePage::*slot)())
{
    auto* button = new QPushButton(text, this);
    button->setObjectName(objectName);
    button->setToolTip(toolTip);
    connect(button, &QPushButton::clicked, this, slot);
    return button;
}

QWidget* ReversePage::buildControls()
{
    auto* panel = new QWidget(this);
    auto* column = new QVBoxLayout(panel);
    column->setContentsMargins(0, 0, 0, 0);

    m_options = new SamplingOptions(panel);
    connect(m_options, &SamplingOptions::failed, this, &ReversePage::showError);
    connect(m_options, &SamplingOptions::changed, this, &ReversePage::updateSummary);
    column->addWidget(m_options);

    auto* buttons = new QHBoxLayout;
    m_run = addButton(QStringLiteral("run"), tr("Run"), tr("Sample a chain with the settings above"), &ReversePage::run);
    m_run->setDefault(true);
    m_cancel = addButton(QStringLiteral("cancel"), tr("Cancel"), tr("Stop the chain; the steps so far stay"),
                         &ReversePage::cancel);
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    column->addLayout(buttons);
    m_progress = new QProgressBar(panel);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    column->addWidget(m_progress);
    m_status = new QLabel(panel);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    column->addWidget(m_status);

    auto* exports = new QGroupBox(tr("Export"), panel);
    auto* exportsLayout = new QFormLayout(exports);
    m_stripTs = new QLineEdit(exports);
    m_stripTs->setObjectName(QStringLiteral("stripTs"));
    m_stripTs->setPlaceholderText(tr("8 evenly spaced, or e.g. 1000,500,250,1"));
    m_stripTs->setToolTip(tr("The t of each strip column (the nearest recorded step is taken)"));
    exportsLayout->addRow(tr("Strip t:"), m_stripTs);
    m_exportStrip = addButton(QStringLiteral("exportStrip"), tr("Strip PNG…"),
                              tr("The selected sample at the chosen steps: xₜ above the predicted x₀, with the "
                                 "settings under it"),
                              &ReversePage::exportStripAsk);
    m_exportView = addButton(QStringLiteral("exportView"), tr("View PNG…"), tr("Save the view on the right as a PNG"),
                             &ReversePage::exportViewAsk);
    m_exportAnimation = addButton(QStringLiteral("exportAnimation"), tr("Animation…"),
                                  tr("The chain as an animated GIF, an MP4 or a WebM video (by the file name), at the "
                                     "Play speed"),
                                  &ReversePage::exportAnimationAsk);
    auto* exportButtons = new FlowLayout; // one line where they fit, never cut
    for (QPushButton* b : {m_exportStrip, m_exportView, m_exportAnimation})
        exportButtons->addWidget(b);
    exportsLayout->addRow(exportButtons);
    column->addWidget(exports);
    column->addWidget(buildDemoControls(panel));
    column->addStretch(1);

    // On a short screen the column scrolls instead of squeezing the pictures.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(panel);
    installWheelGuard(panel); // the wheel scrolls the column, not the control under the pointer
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    scroll->setMinimumWidth(300);
    scroll->setMaximumWidth(490);
    // Wider in presentation mode, not clipped; its minimum stays, as the column scrolls, so the
    // page still fits a 1280-pixel screen (as the Training page's column does).
    scaleWidthWithFont(scroll, ScaledLimits::MaximumOnly);
    return scroll;
}

QWidget* ReversePage::buildDemoControls(QWidget* parent)
{
    auto* box = new QGroupBox(tr("Demonstrations"), parent);
    box->setToolTip(tr("On the model and sampler above; results in the Demonstrations tab"));
    auto* layout = new QVBoxLayout(box);
    auto* compare = new FlowLayout;
    m_comparison = new QComboBox(box);
    m_comparison->setObjectName(QStringLiteral("comparison"));
    m_comparison->addItem(tr("DDPM vs DDIM"), int(Comparison::Sampler));
    m_comparison->addItem(tr("all steps vs 50"), int(Comparison::Steps));
    m_comparison->addItem(tr("small vs large variance"), int(Comparison::Variance));
    m_comparison->setToolTip(tr("The second chain is the settings above with this one choice flipped (the variance "
                                "comparison runs DDPM)"));
    auto* side = new QPushButton(tr("Side by side"), box);
    side->setObjectName(QStringLiteral("demoSideBySide"));
    side->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed); // the choice beside it takes the room
    side->setToolTip(tr("The same x_T (same seed) through both settings, shown next to each other at the same "
                        "fraction of the chain"));
    connect(side, &QPushButton::clicked, this, [this] { runDemo(DemoKind::SideBySide); });
    compare->addWidget(m_comparison);
    compare->addWidget(side);
    layout->addLayout(compare);
    struct Figure {
        DemoKind kind;
        const char* name;
        QString text;
        QString tip;
    };
    const Figure figures[] = {
        {DemoKind::Progressive, "demoProgressive", tr("Fig. 6: progressive"),
         tr("The predicted x₀ along the recorded chain: rows are samples, columns 8 evenly spaced t")},
        {DemoKind::SharingXt, "demoSharing", tr("Fig. 7: sharing xₜ"),
         tr("xₜ of the data's first image at 25, 50, 75 and 100 % of the chain, and 4 reverse chains from each, "
            "always DDPM (the paper's sampler: DDIM at η = 0 would give 4 identical samples)")},
        {DemoKind::Interpolation, "demoInterpolation", tr("Fig. 8: interpolation"),
         tr("Two data images mixed through xₜ at half the chain (λ = 0, 0.125, …, 1), decoded with the same noise")},
        {DemoKind::RateDistortion, "demoRate", tr("Fig. 5: rate–distortion"),
         tr("Progressive lossy coding of 8 data images: bits/dim sent against the RMSE of the predicted x₀ (evaluates "
            "the whole bound; Cancel stops it)")},
    };
    // Two a line where they fit, one in a narrow column.
    FlowLayout* pair = nullptr;
    for (const Figure& f : figures) {
        auto* b = new QPushButton(f.text, box);
        b->setObjectName(QLatin1String(f.name));
        b->setToolTip(f.tip);
        const DemoKind kind = f.kind;
        connect(b, &QPushButton::clicked, this, [this, kind] { runDemo(kind); });
        if (pair == nullptr || pair->count() == 2) {
            pair = new FlowLayout;
            pair->setUniformWidths(true);
            layout->addLayout(pair);
        }
        pair->addWidget(b);
    }
    return box;
}

QWidget* ReversePage::buildImagePanel()
{
    auto* panel = new QWidget(this);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    m_xtView = new ImageView(tr("xₜ"), panel);
    m_xtView->setObjectName(QStringLiteral("xtView"));
    m_xtView->setNote(tr("clamped to [−1, 1]"));
    m_x0View = new ImageView(tr("predicted x₀"), panel);
    m_x0View->setObjectName(QStringLiteral("x0View"));
    m_x0View->setNote(tr("clamped to [−1, 1]"));
    m_epsView = new ImageView(tr("predicted noise ε̂"), panel);
    m_epsView->setObjectName(QStringLiteral("epsView"));
    m_epsView->setNote(tr("shown over [−3, 3]"));
    auto* top = new QHBoxLayout;
    for (ImageView* v : {m_xtView, m_x0View, m_epsView}) {
        v->setPlaceholder(tr("Run a chain"));
        top->addWidget(v, 1);
    }
    layout->addLayout(top, 3);
    m_gridLabel = new QLabel(panel);
    m_gridLabel->setObjectName(QStringLiteral("gridLabel"));
    layout->addWidget(m_gridLabel);
    m_gridView = new ImageView(QString(), panel);
    m_gridView->setObjectName(QStringLiteral("gridView"));
    layout->addWidget(m_gridView, 4);
    return panel;
}

QWidget* ReversePage::buildResults()
{
    m_results = new QWidget(this);
    m_results->setObjectName(QStringLiteral("reverseView"));
    m_results->setAutoFillBackground(true);
    m_results->setFocusPolicy(Qt::ClickFocus);
    // The wrapped summary must not keep the pictures from shrinking to fit the page.
    auto* layout = new LeastHeightLayout(m_results);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(m_results);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    m_scrubber = new ChainScrubber(m_results);
    connect(m_scrubber, &ChainScrubber::indexChanged, this, &ReversePage::showIndex);
    layout->addWidget(m_scrubber);
    // Arrows, Home, End and Space step the chain from anywhere in the view.
    m_results->installEventFilter(m_scrubber);

    auto* pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("Sample:"), m_results));
    m_sample = new QSpinBox(m_results);
    m_sample->setObjectName(QStringLiteral("sample"));
    m_sample->setRange(0, 0);
    m_sample->setToolTip(tr("Which sample of the batch is shown large (framed in the batch grid)"));
    connect(m_sample, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int item) {
        m_plots->setSelectedItem(item);
        redrawImages();
    });
    pick->addWidget(m_sample);
    pick->addSpacing(12);
    auto* gridShows = new QLabel(tr("Batch grid shows:"), m_results);
    pick->addWidget(gridShows);
    m_gridPart = new QComboBox(m_results);
    m_gridPart->setObjectName(QStringLiteral("gridPart"));
    m_gridPart->addItem(tr("xₜ"), int(ChainPart::Xt));
    m_gridPart->addItem(tr("predicted x₀"), int(ChainPart::X0));
    m_gridPart->addItem(tr("predicted noise"), int(ChainPart::Eps));
    connect(m_gridPart, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &ReversePage::redrawImages);
    pick->addWidget(m_gridPart);
    pick->addStretch(1);
    layout->addLayout(pick);

    auto* body = new QHBoxLayout;
    m_stack = new QStackedWidget(m_results);
    m_stack->addWidget(buildImagePanel());
    m_particles = new ParticleView(m_results);
    m_stack->addWidget(m_particles);
    m_tabs = new QTabWidget(m_results);
    m_tabs->setObjectName(QStringLiteral("reverseTabs"));
    m_tabs->addTab(m_stack, tr("Chain"));
    m_demo = new DemoView(m_tabs);
    m_demo->setObjectName(QStringLiteral("demoView"));
    m_tabs->addTab(m_demo, tr("Demonstrations"));
    body->addWidget(m_tabs, 3);
    m_plots = new ChainPlots(m_results);
    m_plots->setMinimumWidth(200);
    m_plots->setMaximumWidth(420);
    body->addWidget(m_plots, 2);
    layout->addLayout(body, 1);
    // The grid choice means nothing for points.
    connect(m_stack, &QStackedWidget::currentChanged, this, [this, gridShows](int page) {
        gridShows->setVisible(page == 0);
        m_gridPart->setVisible(page == 0);
    });
    return m_results;
}

// ---------------------------------------------------------------------------------------------
// Running the worker

void ReversePage::offerModel(const QString& spec, const QString& label)
{
    m_options->offerModel(spec, label);
}

void ReversePage::run()
{
    if (m_stop)
        m_stop->store(true); // a newer request supersedes the running one
    SamplingRequest request;
    request.id = m_nextId++;
    request.settings = m_options->settings();
    request.modelLabel = m_options->modelLabel();
    request.stop = std::make_shared<std::atomic<bool>>(false);
    request.frameBudget = m_frameBudget;
    m_stop = request.stop;
    m_runningId = request.id;
    setRunning(true);
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("loading the model…"));
    m_status->setText(request.settings.isOracle() && request.settings.modelSpec.contains(QStringLiteral("mnist"))
                          ? tr("Reading the data set for the oracle…")
                          : QString());
    SamplingWorker* worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
    Q_EMIT runStarted();
}

void ReversePage::cancel()
{
    for (const auto& stop : {m_stop, m_demoStop})
        if (stop)
            stop->store(true);
    if (isRunning() || isDemoRunning())
        m_progress->setFormat(tr("cancelling…"));
}

void ReversePage::runDemo(DemoKind kind)
{
    if (kind == DemoKind::Progressive) {
        showProgressive();
        return;
    }
    if (m_demoStop)
        m_demoStop->store(true); // a newer demonstration supersedes the running one
    DemoRequest request;
    request.id = m_nextId++;
    request.kind = kind;
    m_demoKind = kind;
    request.settings = m_options->settings();
    request.modelLabel = m_options->modelLabel();
    request.comparison = comparison();
    request.stop = std::make_shared<std::atomic<bool>>(false);
    m_demoStop = request.stop;
    m_demoRunningId = request.id;
    setRunning(isRunning());
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("%1…").arg(demoName(kind)));
    m_demo->setPlaceholder(tr("computing %1…").arg(demoName(kind)));
    m_tabs->setCurrentWidget(m_demo);
    DemoWorker* worker = m_demoWorker;
    QMetaObject::invokeMethod(worker, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
}

bool ReversePage::showProgressive()
{
    const ddpm::Image figure = m_info.images() ? progressiveFigure(m_info, m_frames) : ddpm::Image();
    if (figure.empty()) {
        showError(tr("No chain of images"), tr("Progressive generation shows the predicted x₀ along a recorded chain "
                                               "of images: run a chain of an image model first."));
        return false;
    }
    DemoResult result;
    result.kind = DemoKind::Progressive;
    result.title = demoName(DemoKind::Progressive);
    result.figure = figure;
    result.caption = tr("Fig. 6 (Ho et al. 2020): the predicted x₀ along the chain, rows: samples #0..#%1. %2")
                         .arg(std::min(4, m_info.batch) - 1)
                         .arg(figureCaption());
    m_demo->showResult(result);
    m_tabs->setCurrentWidget(m_demo);
    Q_EMIT demoFinished();
    return true;
}

void ReversePage::onDemoProgress(quint64 id, int done, int total)
{
    if (id != m_demoRunningId)
        return;
    m_progress->setRange(0, std::max(0, total));
    m_progress->setValue(done);
    if (total > 0)
        m_progress->setFormat(tr("%1: %p %").arg(demoName(m_demoKind)));
}

void ReversePage::onDemoFinished(const DemoResult& result)
{
    if (result.id != m_demoRunningId)
        return;
    endDemo(tr("%1: done").arg(result.title.section(QLatin1Char(':'), 0, 0)));
    m_demo->showResult(result);
    m_tabs->setCurrentWidget(m_demo);
    if (result.kind == DemoKind::SideBySide && hasChain() && m_shownIndex >= 0)
        m_demo->setFraction(double(m_shownIndex) / std::max(1, m_scrubber->count() - 1));
    Q_EMIT demoFinished();
}

void ReversePage::endDemo(const QString& progressText)
{
    m_demoRunningId = 0;
    m_demoStop.reset();
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_progress->setFormat(progressText);
    setRunning(isRunning());
}

void ReversePage::setComparison(Comparison comparison)
{
    m_comparison->setCurrentIndex(std::max(0, m_comparison->findData(int(comparison))));
}

Comparison ReversePage::comparison() const
{
    return static_cast<Comparison>(m_comparison->currentData().toInt());
}

void ReversePage::setRunning(bool running)
{
    m_cancel->setEnabled(running || isDemoRunning());
    const bool chain = hasChain();
    m_exportStrip->setEnabled(chain);
    m_exportView->setEnabled(chain);
    m_exportAnimation->setEnabled(chain);
}

void ReversePage::endRun(const QString& progressText, bool done)
{
    m_runningId = 0;
    m_stop.reset();
    m_progress->setRange(0, 1);
    m_progress->setValue(done ? 1 : 0);
    m_progress->setFormat(progressText);
    setRunning(false);
}

void ReversePage::onStarted(const ChainInfo& info)
{
    if (info.id != m_runningId)
        return;
    // The new chain replaces the old one from its first frame on.
    m_info = info;
    m_frames.clear();
    m_complete = false;
    m_seconds = 0;
    m_shownIndex = -1;
    m_shown = ChainFrame();
    m_shownExact = false;
    m_wantedStep = -1;
    m_scrubber->clear();
    m_plots->clear(info.originalSteps, info.images());
    {
        const QSignalBlocker block(m_sample);
        m_sample->setRange(0, std::max(0, info.batch - 1));
    }
    m_plots->setSelectedItem(m_sample->value());
    m_stack->setCurrentIndex(info.images() ? 0 : 1);
    if (!info.images())
        m_particles->setChain(info);
    for (ImageView* v : {m_xtView, m_x0View, m_epsView, m_gridView}) {
        v->setImage(QImage());
        v->setPlaceholder(tr("computing…"));
    }
    m_progress->setRange(0, std::max(1, info.chainSteps()));
    m_progress->setValue(0);
    m_progress->setFormat(chainProgressFormat(info.threads));
    m_status->setText(info.stride > 1 ? tr("Every %1th step is stored (the memory bound); once the chain is done, "
                                           "the steps between are recomputed when the scrubber stands on them.")
                                            .arg(info.stride)
                                      : QString());
    updateSummary();
}

void ReversePage::onUpdate(const ChainUpdate& update)
{
    if (update.id != m_runningId)
        return;
    m_plots->append(update.steps);
    for (const ChainFrame& f : update.frames) {
        m_frames.push_back(f);
        m_scrubber->appendPosition(f.step, f.t); // shows it when the slider follows the newest
    }
    m_progress->setRange(0, std::max(1, update.total));
    m_progress->setValue(update.done);
    m_progress->setFormat(chainProgressFormat(update.threads));
    Q_EMIT runProgress(update.done, update.total);
}

void ReversePage::onFinished(quint64 id, double seconds)
{
    if (id != m_runningId)
        return;
    m_complete = true;
    m_seconds = seconds;
    if (m_info.stride > 1)
        spreadScrubberOverEveryStep();
    endRun(tr("done in %1 s").arg(seconds, 0, 'f', 2), true);
    updateSummary();
    Q_EMIT runFinished();
}

void ReversePage::onFailed(quint64 id, const QString& message)
{
    if (id != m_runningId)
        return;
    endRun(tr("failed"), false);
    showError(tr("Cannot sample"), message);
    Q_EMIT runFailed(message);
}

void ReversePage::onCancelled(quint64 id)
{
    if (id != m_runningId)
        return;
    endRun(tr("cancelled"), false);
    if (hasChain())
        m_status->setText(tr("Cancelled: the chain stops at t = %1.").arg(m_frames.back().t));
    updateSummary();
    Q_EMIT runCancelled();
}

void ReversePage::showError(const QString& title, const QString& message)
{
    // Not exec(): a modal loop here would stall the page's signals (and tests).
    auto* box = new QMessageBox(QMessageBox::Warning, title, messageText(message), QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("reverseErrorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// ---------------------------------------------------------------------------------------------
// What is shown

void ReversePage::updateSummary()
{
    if (!hasChain() && m_info.id == 0) {
        m_summary->setText(tr("Choose a model and a sampler on the left, then press <b>Run</b>. An oracle needs no "
                              "training: it is the exact best denoiser of its data."));
        return;
    }
    QString text = tr("<b>%1</b> · %2 · batch %3")
                       .arg(m_info.modelLabel.toHtmlEscaped(), m_info.planText.toHtmlEscaped())
                       .arg(m_info.batch);
    if (m_complete)
        text += tr(" · %1 s").arg(m_seconds, 0, 'f', 2);
    else if (!isRunning())
        text += tr(" · <i>incomplete</i>");
    if (m_info.settings != m_options->settings())
        text += tr("<br><i>The settings on the left have changed since; press Run to sample them.</i>");
    m_summary->setText(text);
}

int ReversePage::selectedItem() const
{
    return m_sample->value();
}

void ReversePage::setSelectedItem(int item)
{
    m_sample->setValue(item);
}

int ReversePage::storedIndexOf(int step) const
{
    const int k0 = m_info.chainSteps();
    const int stride = std::max(1, m_info.stride);
    if (m_frames.isEmpty() || step < 0 || step > k0)
        return -1;
    if (step == 0)
        return m_frames.back().step == 0 ? int(m_frames.size()) - 1 : -1;
    if ((k0 - step) % stride != 0)
        return -1;
    const int i = (k0 - step) / stride;
    return i < m_frames.size() && m_frames[i].step == step ? i : -1;
}

void ReversePage::spreadScrubberOverEveryStep()
{
    // Positions K..0; the scrubber stays on the step it stood on.
    const int k0 = m_info.chainSteps();
    QVector<int> steps, ts;
    for (int k = k0; k >= 0; --k) {
        steps.push_back(k);
        ts.push_back(m_info.tOfStep(k));
    }
    const int current = m_scrubber->currentStep();
    m_scrubber->setPositions(steps, ts, current < 0 ? k0 : k0 - current);
}

void ReversePage::showIndex(int index)
{
    const int step = m_scrubber->stepAt(index);
    if (step < 0)
        return;
    m_shownIndex = index;
    const int stored = storedIndexOf(step);
    if (stored >= 0) {
        m_shown = m_frames[stored];
        m_shownExact = true;
    } else {
        // The stored frame just before it in the chain until the recomputed one arrives.
        const int k0 = m_info.chainSteps();
        const int before = std::clamp((k0 - step) / std::max(1, m_info.stride), 0, int(m_frames.size()) - 1);
        m_shown = m_frames[before];
        m_shownExact = false;
        requestRecompute(step);
    }
    m_plots->setCursorT(m_info.tOfStep(step));
    if (m_scrubber->count() > 1)
        m_demo->setFraction(double(index) / (m_scrubber->count() - 1)); // a side-by-side follows, by fraction
    redrawImages();
    Q_EMIT frameShown(index);
}

void ReversePage::requestRecompute(int step)
{
    m_wantedStep = step;
    if (m_recomputing)
        return; // the answer to the one in flight sends the newest wish
    m_recomputing = true;
    SamplingWorker* worker = m_worker;
    const quint64 id = m_info.id;
    QMetaObject::invokeMethod(worker, [worker, id, step] { worker->recompute(id, step); }, Qt::QueuedConnection);
}

void ReversePage::onFrameRecomputed(quint64 id, const ChainFrame& frame)
{
    m_recomputing = false;
    if (id != m_info.id)
        return;
    const int current = m_scrubber->currentStep();
    if (frame.step == current) {
        m_shown = frame;
        m_shownExact = true;
        redrawImages();
        Q_EMIT frameRecomputed(frame.step);
    } else if (current >= 0 && storedIndexOf(current) < 0) {
        requestRecompute(current); // the scrubber moved on meanwhile
    }
}

void ReversePage::onRecomputeFailed(quint64 id, int step, const QString& message)
{
    m_recomputing = false;
    const int current = m_scrubber->currentStep();
    if (id != m_info.id) {
        // An answer for an older chain: ask again for the one shown, if it still needs it.
        if (m_complete && current >= 0 && storedIndexOf(current) < 0)
            requestRecompute(current);
        return;
    }
    if (step == current)
        m_status->setText(tr("Cannot recompute step %1: %2").arg(step).arg(message));
}

void ReversePage::redrawImages()
{
    if (m_shownIndex < 0 || (m_shown.xt.isEmpty() && m_shown.pointsXt.isEmpty()))
        return;
    const ChainFrame& f = m_shown;
    const int item = m_sample->value();
    if (!m_info.images()) {
        m_particles->showFrame(f, item);
        return;
    }
    const bool final = f.step == 0;
    m_xtView->setImage(toQImage(chainItemImage(m_info, f.xt, item)));
    const QString pending = m_shownExact ? QString() : tr(" — recomputing t = %1…").arg(m_scrubber->currentT());
    m_xtView->setCaption((final ? tr("x₀: the sample #%1").arg(item) : tr("xₜ at t = %1 (#%2)").arg(f.t).arg(item))
                         + pending);
    m_x0View->setImage(toQImage(chainItemImage(m_info, f.x0, item)));
    m_x0View->setPlaceholder(final ? tr("the chain has ended") : QString());
    m_x0View->setCaption(tr("predicted x₀"));
    m_epsView->setImage(toQImage(chainItemImage(m_info, f.eps, item)));
    m_epsView->setPlaceholder(final ? tr("the chain has ended") : QString());
    const auto part = static_cast<ChainPart>(m_gridPart->currentData().toInt());
    const QByteArray& bytes = final ? f.xt : chainPartBytes(f, part);
    m_gridView->setImage(toQImage(chainGridImage(m_info, bytes, item)));
    m_gridLabel->setText(final ? tr("The batch: the final samples x₀ (#%1 framed)").arg(item)
                               : tr("The batch at t = %1: %2 (#%3 framed)").arg(f.t).arg(m_gridPart->currentText()).arg(item));
}

QImage ReversePage::xtImage() const { return m_info.images() ? m_xtView->image() : QImage(); }
QImage ReversePage::x0Image() const { return m_info.images() ? m_x0View->image() : QImage(); }
QImage ReversePage::epsImage() const { return m_info.images() ? m_epsView->image() : QImage(); }
QImage ReversePage::gridImage() const { return m_info.images() ? m_gridView->image() : QImage(); }

// ---------------------------------------------------------------------------------------------
// Export

QString ReversePage::figureCaption() const
{
    if (!hasChain())
        return {};
    const SamplingSettings& s = m_info.settings;
    QString model = m_info.modelLabel;
    if (s.isOracle())
        model += tr(" on %1").arg(s.oracleSchedule.label());
    return tr("Reverse chain: %1 (%2); %3%4; seed %5, batch %6.%7 DDPM Studio.")
        .arg(model, m_info.modelName, m_info.planText, s.clipDenoised ? tr(", predicted x₀ clipped") : QString())
        .arg(s.seed)
        .arg(m_info.batch)
        .arg(m_complete ? QString() : tr(" Incomplete (cancelled)."));
}

QVector<int> ReversePage::stripIndices(const QVector<int>& ts) const
{
    // Frames with a prediction (every step but the final sample).
    QVector<int> candidates;
    for (int i = 0; i < m_frames.size(); ++i)
        if (m_frames[i].step >= 1)
            candidates.push_back(i);
    QVector<int> out;
    if (candidates.isEmpty())
        return out;
    if (ts.isEmpty()) {
        for (int j : evenlySpaced(candidates.size(), 8))
            out.push_back(candidates[j]);
        return out;
    }
    for (int t : ts) {
        int best = candidates.front();
        for (int i : candidates)
            if (std::abs(m_frames[i].t - t) < std::abs(m_frames[best].t - t))
                best = i;
        if (!out.contains(best))
            out.push_back(best);
    }
    return out;
}

QVector<int> ReversePage::parsedStripTs() const
{
    QVector<int> ts;
    for (const QString& part : m_stripTs->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int t = part.trimmed().toInt(&ok);
        if (ok)
            ts.push_back(t);
    }
    return ts;
}

bool ReversePage::exportStripPng(const QString& path, const QVector<int>& ts)
{
    const QVector<int> indices = stripIndices(ts);
    if (indices.isEmpty())
        return false;
    std::vector<ddpm::Image> xt, x0;
    std::vector<std::string> labels;
    const int item = m_sample->value();
    try {
        for (int i : indices) {
            const ChainFrame& f = m_frames[i];
            if (m_info.images()) {
                xt.push_back(enlarged(chainItemImage(m_info, f.xt, item), kStripTileSide));
                x0.push_back(enlarged(chainItemImage(m_info, f.x0, item), kStripTileSide));
            } else {
                // Points: the batch over the data, as the CLI's scatter pictures draw it.
                const qint64 dims = m_info.itemValues();
                QVector<float> backdrop;
                for (size_t j = 0; j < m_info.dataX.size(); ++j)
                    backdrop << static_cast<float>(m_info.dataX[j]) << static_cast<float>(m_info.dataY[j]);
                const at::Tensor data = backdrop.isEmpty() ? at::Tensor() : pointsTensor(backdrop, 2);
                xt.push_back(ddpm::scatterPlot(pointsTensor(f.pointsXt, dims).narrow(1, 0, 2), data, 160));
                x0.push_back(ddpm::scatterPlot(pointsTensor(f.pointsX0, dims).narrow(1, 0, 2), data, 160));
            }
            labels.push_back("t = " + std::to_string(f.t));
        }
        const std::vector<std::string> below(labels.size(), "predicted x0");
        const ddpm::Image strip = paddedToWidth(
            ddpm::stackVertically({ddpm::composeStrip(xt, labels), ddpm::composeStrip(x0, below)}), kCaptionWidth);
        QString caption = figureCaption();
        if (m_info.images())
            caption += tr(" Sample #%1.").arg(item);
        return saveImagePng(this, toQImage(strip), path, caption);
    } catch (const std::exception& e) {
        showError(tr("Cannot export the strip"), QString::fromStdString(e.what()));
        return false;
    }
}

bool ReversePage::exportViewPng(const QString& path)
{
    if (!hasChain())
        return false;
    // The plots replot queued; the picture must show them now.
    for (QCustomPlot* plot : m_results->findChildren<QCustomPlot*>())
        plot->replot(QCustomPlot::rpImmediateRefresh);
    return saveWidgetPng(this, m_results, path, figureCaption());
}

bool ReversePage::exportAnimation(const QString& path)
{
    if (!hasChain())
        return false;
    if (!ddpm::isAnimationPath(path.toStdString())) {
        showError(tr("Cannot write the animation"), tr("Animations are saved as .gif, .mp4 or .webm, not %1.")
                                                        .arg(QFileInfo(path).fileName()));
        return false;
    }
    QApplication::setOverrideCursor(Qt::WaitCursor);
    std::vector<ddpm::Image> frames;
    const int item = m_sample->value();
    const QVector<int> chosen = evenlySpaced(m_frames.size(), kMaxAnimationFrames);
    try {
        for (int i : chosen) {
            const ChainFrame& f = m_frames[i];
            if (m_info.images()) {
                const bool final = f.step == 0;
                const ddpm::Image xt = enlarged(chainGridImage(m_info, f.xt, -1), kAnimationSide);
                const ddpm::Image x0 = final ? xt : enlarged(chainGridImage(m_info, f.x0, -1), kAnimationSide);
                frames.push_back(ddpm::composeStrip(
                    {xt, x0}, {final ? "x0 (final samples)" : "x_t, t = " + std::to_string(f.t),
                               final ? "x0 (final samples)" : "predicted x0"}));
            } else {
                m_particles->showFrame(f, item);
                frames.push_back(fromQImage(m_particles->plot()->toPixmap(480, 480, 1.0).toImage()));
            }
        }
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        showError(tr("Cannot write the animation"), QString::fromStdString(e.what()));
        return false;
    }
    redrawImages(); // the particle view back at the scrubber's frame
    QApplication::restoreOverrideCursor();
    m_status->setText(tr("Writing the animation (%1 frames)…").arg(frames.size()));
    m_exportAnimation->setEnabled(false);
    const double fps = m_scrubber->speed();
    SamplingWorker* worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, frames = std::move(frames), path, fps] {
        worker->writeAnimation(frames, path, fps);
    }, Qt::QueuedConnection);
    return true;
}

void ReversePage::exportStripAsk()
{
    const QString path = askSavePath(this, tr("Export strip"), QStringLiteral("chain-strip.png"), tr("PNG image (*.png)"));
    if (!path.isEmpty())
        exportStripPng(path, parsedStripTs());
}

void ReversePage::exportViewAsk()
{
    const QString path = askSavePath(this, tr("Export view"), QStringLiteral("reverse-chain.png"), tr("PNG image (*.png)"));
    if (!path.isEmpty())
        exportViewPng(path);
}

void ReversePage::exportAnimationAsk()
{
    const QString path = askSavePath(this, tr("Export animation"), QStringLiteral("chain.gif"),
                                     tr("Animated GIF (*.gif);;MP4 video (*.mp4);;WebM video (*.webm)"));
    if (!path.isEmpty())
        exportAnimation(path);
}

// ---------------------------------------------------------------------------------------------
// Settings

void ReversePage::saveSettings(QSettings& settings) const
{
    m_options->saveSettings(settings);
    settings.setValue(kSpeedKey, m_scrubber->speed());
    settings.setValue(kGridPartKey, m_gridPart->currentIndex());
    settings.setValue(kShowX0Key, m_particles->showsX0());
    settings.setValue(kShowNoiseKey, m_particles->showsNoise());
    settings.setValue(kStripKey, m_stripTs->text());
    settings.setValue(kComparisonKey, m_comparison->currentIndex());
}

void ReversePage::restoreSettings(const QSettings& settings)
{
    m_options->restoreSettings(settings);
    m_scrubber->setSpeed(settings.value(kSpeedKey, 25).toDouble());
    m_gridPart->setCurrentIndex(std::clamp(settings.value(kGridPartKey, 0).toInt(), 0, m_gridPart->count() - 1));
    m_particles->setShowX0(settings.value(kShowX0Key, false).toBool());
    m_particles->setShowNoise(settings.value(kShowNoiseKey, true).toBool());
    m_stripTs->setText(settings.value(kStripKey).toString());
    m_comparison->setCurrentIndex(std::clamp(settings.value(kComparisonKey, 0).toInt(), 0, m_comparison->count() - 1));
    updateSummary();
}

} // namespace ddpm::ui
