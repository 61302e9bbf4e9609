#include "pages/bound_page.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

#include "ddpm/error.h"
#include "ddpm/model.h"
#include "widgets/export.h"
#include "widgets/plot.h"

namespace ddpm::ui {

namespace {

const QString kOpenCheckpoint = QStringLiteral("<open checkpoint>");
const QString kZeroSpec = QStringLiteral("zero");
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows of the totals table.
enum TotalsRow { RowPrior, RowDecoder, RowTerms, RowTotal, RowCalls, RowTime, RowCount };

// L_{t-1} and friends in plot text (QCustomPlot draws plain text).
const QString kLtm1 = QStringLiteral("L\u209C\u208B\u2081");

QString bpdText(double value)
{
    return QString::number(value, 'g', 6);
}

// A value a log axis can draw: non-positive and non-finite values become gaps.
// All of t = 1..T with a little room on both sides for the markers.
QCPRange fullRange(int steps)
{
    const double margin = std::max(0.5, 0.015 * steps);
    return QCPRange(1 - margin, std::max(2, steps) + margin);
}

double forLog(double value)
{
    return std::isfinite(value) && value > 0 ? value : kNaN;
}

QString settingsSummary(const BoundReport& r)
{
    const BoundSettings& s = r.settings;
    return QObject::tr("%1 at %2 × %3 × %4; %5; %6, %7 variance%8, K = %9, seed %10")
        .arg(s.imageName.isEmpty() ? QObject::tr("the image") : s.imageName)
        .arg(r.width)
        .arg(r.height)
        .arg(r.channels)
        .arg(s.schedule.label(), r.modelName,
             s.largeVariance ? QObject::tr("large") : QObject::tr("small"),
             s.clipDenoised ? QObject::tr(", clipped x\u2080") : QString())
        .arg(s.samples)
        .arg(s.seed);
}

} // namespace

BoundPage::BoundPage(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(buildControls());
    layout->addWidget(buildPlots(), 1);

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("bound-worker"));
    m_worker = new BoundWorker; // no parent: it lives in m_thread and is deleted after the join
    m_worker->moveToThread(m_thread);
    connect(m_worker, &BoundWorker::progress, this, &BoundPage::onProgress, Qt::QueuedConnection);
    connect(m_worker, &BoundWorker::finished, this, &BoundPage::onFinished, Qt::QueuedConnection);
    connect(m_worker, &BoundWorker::failed, this, &BoundPage::onFailed, Qt::QueuedConnection);
    connect(m_worker, &BoundWorker::cancelled, this, &BoundPage::onCancelled, Qt::QueuedConnection);
    m_thread->start();

    setRunning(false);
    updateInputsText();
    updateStaleness();
}

BoundPage::~BoundPage()
{
    if (m_stop)
        m_stop->store(true);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

// ---------------------------------------------------------------------------------------------
// Building the widgets

QWidget* BoundPage::buildControls()
{
    auto* panel = new QWidget(this);
    panel->setMaximumWidth(340);
    auto* column = new QVBoxLayout(panel);
    column->setContentsMargins(0, 0, 0, 0);

    auto* inputs = new QGroupBox(tr("Inputs"), panel);
    auto* inputsForm = new QFormLayout(inputs);
    m_imageLabel = new QLabel(inputs);
    m_imageLabel->setWordWrap(true);
    m_imageLabel->setToolTip(tr("The image on the Forward page; open another there or with File ▸ Open image."));
    m_scheduleLabel = new QLabel(inputs);
    m_scheduleLabel->setWordWrap(true);
    m_scheduleLabel->setToolTip(tr("The schedule chosen on the Forward page."));
    inputsForm->addRow(tr("Image:"), m_imageLabel);
    inputsForm->addRow(tr("Schedule:"), m_scheduleLabel);
    column->addWidget(inputs);

    auto* options = new QGroupBox(tr("Evaluation"), panel);
    auto* form = new QFormLayout(options);
    m_model = new QComboBox(options);
    m_model->setObjectName(QStringLiteral("model"));
    m_model->addItem(tr("zero (predicts no noise)"), kZeroSpec);
    m_model->addItem(tr("Open checkpoint…"), kOpenCheckpoint);
    m_model->setToolTip(tr("The network that predicts the noise. The zero model knows nothing: "
                           "it shows what the bound costs before any training."));
    connect(m_model, QOverload<int>::of(&QComboBox::activated), this, &BoundPage::onModelActivated);
    form->addRow(tr("Model:"), m_model);

    auto* varianceRow = new QWidget(options);
    auto* varianceLayout = new QHBoxLayout(varianceRow);
    varianceLayout->setContentsMargins(0, 0, 0, 0);
    m_small = new QRadioButton(tr("small β̃ₜ"), varianceRow);
    m_large = new QRadioButton(tr("large βₜ"), varianceRow);
    m_small->setObjectName(QStringLiteral("varianceSmall"));
    m_large->setObjectName(QStringLiteral("varianceLarge"));
    m_small->setChecked(true);
    m_small->setToolTip(tr("σₜ² = β̃ₜ, the posterior variance (its log clipped at t = 1)"));
    m_large->setToolTip(tr("σₜ² = βₜ"));
    auto* group = new QButtonGroup(varianceRow);
    group->addButton(m_small);
    group->addButton(m_large);
    varianceLayout->addWidget(m_small);
    varianceLayout->addWidget(m_large);
    varianceLayout->addStretch(1);
    connect(m_small, &QRadioButton::toggled, this, &BoundPage::updateStaleness);
    form->addRow(tr("Variance:"), varianceRow);

    m_clip = new QCheckBox(tr("clip predicted x₀ to [−1, 1]"), options);
    m_clip->setObjectName(QStringLiteral("clipDenoised"));
    m_clip->setToolTip(tr("Clamp the predicted x₀ before the posterior mean, as improved DDPM's "
                          "bits/dim evaluation does."));
    connect(m_clip, &QCheckBox::toggled, this, &BoundPage::updateStaleness);
    form->addRow(tr("Denoised:"), m_clip);

    m_samples = new QSpinBox(options);
    m_samples->setObjectName(QStringLiteral("samples"));
    m_samples->setRange(1, 64);
    m_samples->setValue(1);
    m_samples->setToolTip(tr("Noise draws per t, averaged: more draws, less noisy terms, longer runs."));
    connect(m_samples, QOverload<int>::of(&QSpinBox::valueChanged), this, &BoundPage::updateStaleness);
    form->addRow(tr("Samples K:"), m_samples);

    m_resolution = new QComboBox(options);
    m_resolution->setObjectName(QStringLiteral("resolution"));
    for (int n : {16, 28, 32, 64, 128})
        m_resolution->addItem(QStringLiteral("%1 × %1").arg(n), n);
    m_resolution->addItem(tr("original size"), 0);
    m_resolution->setCurrentIndex(m_resolution->findData(32));
    m_resolution->setToolTip(tr("The image is resized (shorter side to N) and centre-cropped to N × N "
                                "before evaluation.\nBits/dim depend on the resolution: compare results "
                                "only at the same N."));
    connect(m_resolution, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &BoundPage::updateStaleness);
    form->addRow(tr("Resolution:"), m_resolution);

    m_seed = new QSpinBox(options);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of the noise draws: the same seed gives the same numbers."));
    connect(m_seed, QOverload<int>::of(&QSpinBox::valueChanged), this, &BoundPage::updateStaleness);
    form->addRow(tr("Seed:"), m_seed);
    column->addWidget(options);

    auto* buttons = new QHBoxLayout;
    m_evaluate = new QPushButton(tr("Evaluate"), panel);
    m_evaluate->setObjectName(QStringLiteral("evaluate"));
    m_evaluate->setDefault(true);
    m_evaluate->setToolTip(tr("Compute every term of the bound for the inputs above."));
    m_cancel = new QPushButton(tr("Cancel"), panel);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    connect(m_evaluate, &QPushButton::clicked, this, &BoundPage::evaluate);
    connect(m_cancel, &QPushButton::clicked, this, &BoundPage::cancel);
    buttons->addWidget(m_evaluate);
    buttons->addWidget(m_cancel);
    column->addLayout(buttons);
    m_progress = new QProgressBar(panel);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    column->addWidget(m_progress);

    auto* totalsBox = new QGroupBox(tr("Totals (bits/dim)"), panel);
    auto* totalsLayout = new QVBoxLayout(totalsBox);
    m_totals = new QTableWidget(RowCount, 2, totalsBox);
    m_totals->setObjectName(QStringLiteral("totals"));
    m_totals->setHorizontalHeaderLabels({tr("value"), tr("share")});
    m_totals->setVerticalHeaderLabels({tr("L_T (prior)"), tr("L₀ (decoder)"), tr("Σ %1, t = 2..T").arg(kLtm1),
                                       tr("total (bound)"), tr("model calls"), tr("time")});
    m_totals->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_totals->setSelectionMode(QAbstractItemView::ContiguousSelection);
    m_totals->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_totals->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_totals->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    for (int row = 0; row < RowCount; ++row) {
        for (int col = 0; col < 2; ++col) {
            auto* item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_totals->setItem(row, col, item);
        }
    }
    m_totals->setToolTip(tr("The bound L = L_T + Σ %1 + L₀ on −log p(x₀), in bits per dimension "
                            "(nats averaged over pixels and channels, divided by ln 2).").arg(kLtm1));
    m_totals->setWordWrap(false);
    m_totals->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_totals->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_totals->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    totalsLayout->addWidget(m_totals);
    column->addWidget(totalsBox);

    auto* exports = new QHBoxLayout;
    m_exportPng = new QPushButton(tr("Export PNG…"), panel);
    m_exportPng->setToolTip(tr("Save the three plots as one PNG image."));
    m_exportCsv = new QPushButton(tr("Export CSV…"), panel);
    m_exportCsv->setToolTip(tr("Save t, bpd, l_simple and weight, one row per t."));
    connect(m_exportPng, &QPushButton::clicked, this, &BoundPage::exportPngAsk);
    connect(m_exportCsv, &QPushButton::clicked, this, &BoundPage::exportCsvAsk);
    exports->addWidget(m_exportPng);
    exports->addWidget(m_exportCsv);
    column->addLayout(exports);
    column->addStretch(1);
    return panel;
}

void BoundPage::setupPlot(QCustomPlot* plot, const QString& title, const QString& yLabel, bool logY)
{
    plot->setMinimumSize(240, 160);
    plot->plotLayout()->insertRow(0);
    QFont titleFont = font();
    titleFont.setBold(true);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, titleFont));
    plot->xAxis->setLabel(QStringLiteral("t"));
    plot->yAxis->setLabel(yLabel);
    if (logY) {
        plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        QSharedPointer<QCPAxisTickerLog> ticker(new QCPAxisTickerLog);
        plot->yAxis->setTicker(ticker);
        plot->yAxis->setNumberFormat(QStringLiteral("eb"));
        plot->yAxis->setNumberPrecision(0);
    }
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
    plot->legend->setVisible(true);
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    plot->legend->setFont(legendFont);

    auto* cursor = new QCPItemStraightLine(plot);
    cursor->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
    cursor->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
    cursor->point1->setCoords(1, 0);
    cursor->point2->setCoords(1, 1);
    cursor->setPen(QPen(QColor(120, 120, 120), 1, Qt::DotLine));
    cursor->setVisible(false);
    cursor->setSelectable(false);
    m_cursors.append(cursor);

    connect(plot, &QCustomPlot::mouseMove, this, [this, plot](QMouseEvent* event) { onPlotHover(plot, event); });
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
        if (!hasResult())
            return;
        m_termsPlot->xAxis->setRange(fullRange(m_result.steps));
    });
    // Every plot shows the same stretch of t.
    connect(plot->xAxis, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this, [this](const QCPRange& range) {
        for (QCustomPlot* other : {m_termsPlot, m_cumulativePlot, m_weightPlot}) {
            if (other != nullptr && other->xAxis->range() != range) {
                other->xAxis->setRange(range);
                other->replot(QCustomPlot::rpQueuedReplot);
            }
        }
    });
}

QWidget* BoundPage::buildPlots()
{
    auto* area = new QWidget(this);
    auto* layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);

    m_resultsLabel = new QLabel(area);
    m_resultsLabel->setObjectName(QStringLiteral("resultsLabel"));
    m_resultsLabel->setWordWrap(true);
    m_resultsLabel->setTextFormat(Qt::RichText);
    layout->addWidget(m_resultsLabel);

    m_plotArea = new QWidget(area);
    auto* plotLayout = new QVBoxLayout(m_plotArea);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    auto* vertical = new QSplitter(Qt::Vertical, m_plotArea);
    plotLayout->addWidget(vertical);

    m_termsPlot = new QCustomPlot(vertical);
    m_termsPlot->setObjectName(QStringLiteral("termsPlot"));
    setupPlot(m_termsPlot, tr("The bound term by term: %1 per t, with L₀ and L_T").arg(kLtm1),
              tr("bits/dim (log scale)"), true);
    QCPGraph* terms = m_termsPlot->addGraph();
    terms->setName(tr("%1 per t (at t = 1: L₀)").arg(kLtm1));
    terms->setPen(QPen(QColor(31, 119, 180), 1.5));
    QCPGraph* decoder = m_termsPlot->addGraph();
    decoder->setName(tr("L₀, decoder (t = 1)"));
    decoder->setLineStyle(QCPGraph::lsNone);
    decoder->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(214, 39, 40), QColor(214, 39, 40), 9));
    QCPGraph* prior = m_termsPlot->addGraph();
    prior->setName(tr("L_T, prior (drawn at t = T)"));
    prior->setLineStyle(QCPGraph::lsNone);
    prior->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(44, 160, 44), QColor(44, 160, 44), 10));
    for (const QString& name : {QStringLiteral("decoderLabel"), QStringLiteral("priorLabel")}) {
        auto* label = new QCPItemText(m_termsPlot);
        label->setObjectName(name);
        label->setPadding(QMargins(6, 0, 6, 4));
        label->setVisible(false);
    }
    m_termsPlot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    auto* bottom = new QSplitter(Qt::Horizontal, vertical);
    m_cumulativePlot = new QCustomPlot(bottom);
    m_cumulativePlot->setObjectName(QStringLiteral("cumulativePlot"));
    setupPlot(m_cumulativePlot, tr("Cumulative sum over t"), tr("bits/dim"), false);
    QCPGraph* cumulative = m_cumulativePlot->addGraph();
    cumulative->setName(tr("L₀ + Σ %1 up to t").arg(kLtm1));
    cumulative->setPen(QPen(QColor(148, 103, 189), 1.5));
    auto* totalLine = new QCPItemStraightLine(m_cumulativePlot);
    totalLine->setObjectName(QStringLiteral("totalLine"));
    totalLine->setPen(QPen(QColor(44, 160, 44), 1, Qt::DashLine));
    totalLine->setVisible(false);
    auto* totalText = new QCPItemText(m_cumulativePlot);
    totalText->setObjectName(QStringLiteral("totalText"));
    totalText->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    totalText->setPadding(QMargins(4, 0, 4, 2));
    totalText->setVisible(false);
    m_cumulativePlot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    m_weightPlot = new QCustomPlot(bottom);
    m_weightPlot->setObjectName(QStringLiteral("weightPlot"));
    setupPlot(m_weightPlot, tr("How L_simple reweights the bound"), tr("wₜ / mean w (log scale)"), true);
    QCPGraph* weights = m_weightPlot->addGraph();
    weights->setName(tr("wₜ: the bound's weight of ‖ε − ε_θ‖², over its mean"));
    weights->setPen(QPen(QColor(255, 127, 14), 1.5));
    auto* simpleLine = new QCPItemStraightLine(m_weightPlot);
    simpleLine->point1->setCoords(0, 1);
    simpleLine->point2->setCoords(1, 1);
    simpleLine->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
    auto* simpleText = new QCPItemText(m_weightPlot);
    simpleText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    simpleText->position->setCoords(0.02, 1);
    simpleText->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    simpleText->setText(tr("L_simple: every wₜ = 1"));
    simpleText->setColor(QColor(90, 90, 90));
    simpleText->setPadding(QMargins(2, 0, 2, 2));
    m_weightPlot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_weightPlot->setToolTip(
        tr("%1 = Cₜ + wₜ · E‖ε − ε_θ‖² per dimension (Eq. 12); L_simple (Eq. 14) sets every wₜ to 1.\n"
           "The curve is wₜ divided by its mean over t: above 1 the bound weighs t more than L_simple "
           "does, below 1 less.")
            .arg(kLtm1));

    bottom->addWidget(m_cumulativePlot);
    bottom->addWidget(m_weightPlot);
    vertical->addWidget(m_termsPlot);
    vertical->addWidget(bottom);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    layout->addWidget(m_plotArea, 1);

    m_hoverLabel = new QLabel(area);
    m_hoverLabel->setObjectName(QStringLiteral("hoverLabel"));
    m_hoverLabel->setText(tr("Move the mouse over a plot to read the values at t; drag or use the wheel "
                             "to pan and zoom along t, double-click to see all of t."));
    m_hoverLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_hoverLabel);
    return area;
}

// ---------------------------------------------------------------------------------------------
// Inputs and controls

void BoundPage::setImage(const ddpm::Image& image, const QString& name)
{
    m_image = image;
    m_imageName = QFileInfo(name).fileName();
    if (m_imageName.isEmpty())
        m_imageName = name;
    ++m_imageSerial;
    updateInputsText();
    updateStaleness();
}

void BoundPage::setSchedule(const ScheduleChoice& choice)
{
    m_schedule = choice;
    updateInputsText();
    updateStaleness();
}

BoundSettings BoundPage::currentSettings() const
{
    BoundSettings s;
    s.imageName = m_imageName;
    s.imageSerial = m_imageSerial;
    s.schedule = m_schedule;
    s.modelSpec = m_modelSpec;
    s.largeVariance = m_large->isChecked();
    s.clipDenoised = m_clip->isChecked();
    s.samples = m_samples->value();
    s.resolution = m_resolution->currentData().toInt();
    s.seed = static_cast<quint64>(m_seed->value());
    return s;
}

void BoundPage::setSamples(int k) { m_samples->setValue(k); }
void BoundPage::setLargeVariance(bool large) { (large ? m_large : m_small)->setChecked(true); }
void BoundPage::setClipDenoised(bool clip) { m_clip->setChecked(clip); }
void BoundPage::setSeed(quint64 seed) { m_seed->setValue(static_cast<int>(std::min<quint64>(seed, m_seed->maximum()))); }

void BoundPage::setResolution(int n)
{
    int index = m_resolution->findData(n);
    if (index < 0 && n > 0) {
        m_resolution->insertItem(m_resolution->count() - 1, QStringLiteral("%1 × %1").arg(n), n);
        index = m_resolution->findData(n);
    }
    if (index >= 0)
        m_resolution->setCurrentIndex(index);
}

int BoundPage::modelIndexForSpec(const QString& spec)
{
    int index = m_model->findData(spec);
    if (index < 0) {
        m_model->insertItem(m_model->count() - 1, QFileInfo(spec).fileName(), spec);
        index = m_model->findData(spec);
        m_model->setItemData(index, spec, Qt::ToolTipRole);
    }
    return index;
}

bool BoundPage::setModelSpec(const QString& spec)
{
    try {
        // Loading checks the spec now, so a bad checkpoint is reported before Evaluate.
        (void)ddpm::makeModel(spec.toStdString());
    } catch (const std::exception& e) {
        m_model->setCurrentIndex(m_model->findData(m_modelSpec));
        showError(tr("Cannot use this model"), QString::fromStdString(e.what()));
        return false;
    }
    m_modelSpec = spec;
    m_model->setCurrentIndex(modelIndexForSpec(spec));
    updateStaleness();
    return true;
}

void BoundPage::onModelActivated(int index)
{
    const QString spec = m_model->itemData(index).toString();
    if (spec == kOpenCheckpoint) {
        m_model->setCurrentIndex(m_model->findData(m_modelSpec));
        const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), QString(),
                                                          tr("DDPM checkpoints (*.ddpm *.pt *.ckpt);;All files (*)"));
        if (!path.isEmpty())
            setModelSpec(path);
        return;
    }
    if (spec != m_modelSpec)
        setModelSpec(spec);
}

void BoundPage::updateInputsText()
{
    if (m_image.empty()) {
        m_imageLabel->setText(tr("none (open one on the Forward page)"));
    } else {
        m_imageLabel->setText(tr("%1 (%2 × %3, %4)")
                                  .arg(m_imageName)
                                  .arg(m_image.width)
                                  .arg(m_image.height)
                                  .arg(m_image.channels == 1 ? tr("gray") : tr("RGB")));
    }
    m_scheduleLabel->setText(m_schedule.label());
}

bool BoundPage::isStale() const
{
    return hasResult() && m_result.settings != currentSettings();
}

void BoundPage::updateStaleness()
{
    if (m_resultsLabel == nullptr)
        return;
    if (!hasResult()) {
        m_resultsLabel->setText(tr("No results yet: press <b>Evaluate</b> to compute every term of the "
                                   "bound for the image and schedule on the left."));
        return;
    }
    QString text = tr("Results for %1; %2 s.")
                       .arg(settingsSummary(m_result).toHtmlEscaped())
                       .arg(m_result.seconds, 0, 'f', 2);
    if (isStale())
        text += tr(" <span style=\"color:#b35c00\"><b>Stale:</b> the inputs changed since; press "
                   "<b>Evaluate</b> to refresh.</span>");
    m_resultsLabel->setText(text);
}

void BoundPage::showError(const QString& title, const QString& message)
{
    // Not exec(): a modal loop here would stall the page's signals (and tests).
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("boundErrorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// ---------------------------------------------------------------------------------------------
// Running the worker

void BoundPage::evaluate()
{
    if (m_stop)
        m_stop->store(true); // a newer request supersedes the running one
    BoundRequest request;
    request.id = m_nextId++;
    request.image = m_image;
    request.settings = currentSettings();
    request.stop = std::make_shared<std::atomic<bool>>(false);
    m_stop = request.stop;
    m_runningId = request.id;
    setRunning(true);
    m_progress->setRange(0, std::max(1, m_schedule.steps));
    m_progress->setValue(0);
    m_progress->setFormat(tr("starting…"));
    BoundWorker* worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
    Q_EMIT evaluationStarted();
}

void BoundPage::cancel()
{
    if (m_stop)
        m_stop->store(true);
    if (isRunning())
        m_progress->setFormat(tr("cancelling…"));
}

void BoundPage::setRunning(bool running)
{
    m_cancel->setEnabled(running);
    m_exportPng->setEnabled(!running && hasResult());
    m_exportCsv->setEnabled(!running && hasResult());
}

void BoundPage::onProgress(quint64 id, qint64 done, qint64 total)
{
    if (id != m_runningId)
        return;
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(1, total)));
    m_progress->setValue(static_cast<int>(done));
    m_progress->setFormat(tr("t: %v of %m"));
    Q_EMIT evaluationProgress(done, total);
}

void BoundPage::onFinished(const BoundReport& report)
{
    if (report.id != m_runningId)
        return;
    m_runningId = 0;
    m_stop.reset();
    m_result = report;
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_progress->setFormat(tr("done in %1 s").arg(report.seconds, 0, 'f', 2));
    showResult();
    setRunning(false);
    updateStaleness();
    Q_EMIT evaluationFinished();
}

void BoundPage::onFailed(quint64 id, const QString& message)
{
    if (id != m_runningId)
        return;
    m_runningId = 0;
    m_stop.reset();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("failed"));
    setRunning(false);
    showError(tr("Cannot evaluate the bound"), message);
    Q_EMIT evaluationFailed(message);
}

void BoundPage::onCancelled(quint64 id)
{
    if (id != m_runningId)
        return;
    m_runningId = 0;
    m_stop.reset();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("cancelled"));
    setRunning(false);
    Q_EMIT evaluationCancelled();
}

void BoundPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // One automatic run on first show when it is cheap: the zero model at a small resolution.
    if (m_autoRunDone)
        return;
    m_autoRunDone = true;
    const BoundSettings s = currentSettings();
    if (!hasResult() && !isRunning() && !m_image.empty() && s.modelSpec == kZeroSpec && s.resolution > 0
        && s.resolution <= 64 && m_schedule.steps <= 4000 && s.samples <= 4)
        QTimer::singleShot(0, this, &BoundPage::evaluate);
}

// ---------------------------------------------------------------------------------------------
// Showing results

void BoundPage::showResult()
{
    const BoundReport& r = m_result;
    const int steps = static_cast<int>(r.termsBpd.size());
    QVector<double> ts(steps), terms(steps), cumulative(steps), weights(steps);
    m_cumulative.assign(steps, 0.0);
    m_relativeWeights.assign(steps, kNaN);

    double weightSum = 0;
    int weightCount = 0;
    for (double w : r.weights) {
        if (std::isfinite(w) && w > 0) {
            weightSum += w;
            ++weightCount;
        }
    }
    const double weightMean = weightCount > 0 ? weightSum / weightCount : kNaN;

    double running = 0;
    for (int i = 0; i < steps; ++i) {
        ts[i] = i + 1;
        terms[i] = forLog(r.termsBpd[i]);
        running += r.termsBpd[i];
        m_cumulative[i] = running;
        cumulative[i] = running;
        if (i < static_cast<int>(r.weights.size()))
            m_relativeWeights[i] = r.weights[i] / weightMean;
        weights[i] = forLog(m_relativeWeights[i]);
    }

    m_termsPlot->graph(0)->setData(ts, terms, true);
    m_termsPlot->graph(1)->setData(QVector<double>{1}, QVector<double>{forLog(r.decoderBpd)}, true);
    m_termsPlot->graph(2)->setData(QVector<double>{double(steps)}, QVector<double>{forLog(r.priorBpd)}, true);
    auto* decoderLabel = m_termsPlot->findChild<QCPItemText*>(QStringLiteral("decoderLabel"));
    auto* priorLabel = m_termsPlot->findChild<QCPItemText*>(QStringLiteral("priorLabel"));
    decoderLabel->position->setCoords(1, forLog(r.decoderBpd));
    decoderLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    decoderLabel->setText(tr("L₀ = %1").arg(bpdText(r.decoderBpd)));
    decoderLabel->setVisible(std::isfinite(forLog(r.decoderBpd)));
    priorLabel->position->setCoords(steps, forLog(r.priorBpd));
    priorLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    priorLabel->setText(tr("L_T = %1").arg(bpdText(r.priorBpd)));
    priorLabel->setVisible(std::isfinite(forLog(r.priorBpd)));

    m_cumulativePlot->graph(0)->setData(ts, cumulative, true);
    auto* totalLine = m_cumulativePlot->findChild<QCPItemStraightLine*>(QStringLiteral("totalLine"));
    auto* totalText = m_cumulativePlot->findChild<QCPItemText*>(QStringLiteral("totalText"));
    totalLine->point1->setCoords(0, r.totalBpd);
    totalLine->point2->setCoords(1, r.totalBpd);
    totalLine->setVisible(true);
    totalText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    totalText->position->setCoords(0.02, r.totalBpd);
    totalText->setText(tr("total with L_T = %1 bits/dim").arg(bpdText(r.totalBpd)));
    totalText->setColor(QColor(44, 120, 44));
    totalText->setVisible(true);

    m_weightPlot->graph(0)->setData(ts, weights, true);

    for (QCustomPlot* plot : {m_termsPlot, m_cumulativePlot, m_weightPlot}) {
        plot->rescaleAxes();
        plot->xAxis->setRange(fullRange(steps));
    }
    // Room above the curves for the labels and below for the legend.
    m_termsPlot->yAxis->scaleRange(1.6, std::sqrt(m_termsPlot->yAxis->range().lower * m_termsPlot->yAxis->range().upper));
    const QCPRange cumulativeRange = m_cumulativePlot->yAxis->range();
    m_cumulativePlot->yAxis->setRange(std::min(0.0, cumulativeRange.lower),
                                      std::max(cumulativeRange.upper, r.totalBpd) * 1.12 + 1e-12);
    QCPRange weightRange = m_weightPlot->yAxis->range();
    weightRange.lower = std::min(weightRange.lower, 0.5);
    weightRange.upper = std::max(weightRange.upper, 2.0);
    m_weightPlot->yAxis->setRange(weightRange);
    m_weightPlot->yAxis->scaleRange(1.3, std::sqrt(weightRange.lower * weightRange.upper));
    for (QCustomPlot* plot : {m_termsPlot, m_cumulativePlot, m_weightPlot})
        plot->replot(QCustomPlot::rpQueuedReplot);

    // Totals table: exact values in UserRole, rounded text for reading.
    const auto setRow = [this](int row, const QString& text, double exact, const QString& share) {
        m_totals->item(row, 0)->setText(text);
        m_totals->item(row, 0)->setData(Qt::UserRole, exact);
        m_totals->item(row, 1)->setText(share);
    };
    const auto shareOf = [&r](double v) {
        return r.totalBpd != 0 ? QStringLiteral("%1 %").arg(100.0 * v / r.totalBpd, 0, 'f', 1) : QString();
    };
    setRow(RowPrior, bpdText(r.priorBpd), r.priorBpd, shareOf(r.priorBpd));
    setRow(RowDecoder, bpdText(r.decoderBpd), r.decoderBpd, shareOf(r.decoderBpd));
    setRow(RowTerms, bpdText(r.termsBpdSum), r.termsBpdSum, shareOf(r.termsBpdSum));
    setRow(RowTotal, bpdText(r.totalBpd), r.totalBpd, QString());
    QFont bold = m_totals->item(RowTotal, 0)->font();
    bold.setBold(true);
    m_totals->item(RowTotal, 0)->setFont(bold);
    setRow(RowCalls, QString::number(r.modelCalls), static_cast<double>(r.modelCalls), QString());
    m_totals->item(RowCalls, 0)->setToolTip(
        r.timestepBatch > 0 ? tr("%1 timesteps per model call").arg(r.timestepBatch) : QString());
    setRow(RowTime, tr("%1 s").arg(r.seconds, 0, 'f', 2), r.seconds, QString());
}

void BoundPage::onPlotHover(QCustomPlot* plot, QMouseEvent* event)
{
    if (!hasResult())
        return;
    const int steps = static_cast<int>(m_result.termsBpd.size());
    const int t = static_cast<int>(std::lround(plot->xAxis->pixelToCoord(event->pos().x())));
    if (t < 1 || t > steps) {
        for (QCPItemStraightLine* cursor : m_cursors)
            cursor->setVisible(false);
    } else {
        for (QCPItemStraightLine* cursor : m_cursors) {
            cursor->point1->setCoords(t, 0);
            cursor->point2->setCoords(t, 1);
            cursor->setVisible(true);
        }
        const size_t i = static_cast<size_t>(t - 1);
        const QString term = t == 1 ? tr("L₀ = %1").arg(bpdText(m_result.termsBpd[i]))
                                    : tr("%1 = %2").arg(kLtm1, bpdText(m_result.termsBpd[i]));
        QString text = tr("t = %1:  %2 bits/dim;  L₀ + Σ up to t = %3 bits/dim;  wₜ / mean w = %4")
                           .arg(t)
                           .arg(term, bpdText(m_cumulative[i]), bpdText(m_relativeWeights[i]));
        if (i < m_result.lSimple.size())
            text += tr(";  E(ε − ε_θ)² = %1").arg(bpdText(m_result.lSimple[i]));
        if (t == steps)
            text += tr(";  L_T = %1 bits/dim").arg(bpdText(m_result.priorBpd));
        m_hoverLabel->setText(text);
    }
    for (QCustomPlot* p : {m_termsPlot, m_cumulativePlot, m_weightPlot})
        p->replot(QCustomPlot::rpQueuedReplot);
}

// ---------------------------------------------------------------------------------------------
// Export and settings

bool BoundPage::exportCsv(const QString& path)
{
    if (!hasResult())
        return false;
    return saveText(this, path, boundCsv(m_result));
}

bool BoundPage::exportPng(const QString& path)
{
    if (!hasResult())
        return false;
    QList<bool> shown;
    for (QCPItemStraightLine* cursor : m_cursors) {
        shown.append(cursor->visible());
        cursor->setVisible(false);
    }
    for (QCustomPlot* plot : {m_termsPlot, m_cumulativePlot, m_weightPlot})
        plot->replot(QCustomPlot::rpImmediateRefresh);
    const bool ok = saveWidgetPng(this, m_plotArea, path);
    for (int i = 0; i < m_cursors.size(); ++i)
        m_cursors[i]->setVisible(shown[i]);
    return ok;
}

void BoundPage::exportPngAsk()
{
    const QString path = askSavePath(this, tr("Export plots"), QStringLiteral("bound.png"), tr("PNG image (*.png)"));
    if (!path.isEmpty())
        exportPng(path);
}

void BoundPage::exportCsvAsk()
{
    const QString path = askSavePath(this, tr("Export terms"), QStringLiteral("bound.csv"), tr("CSV table (*.csv)"));
    if (!path.isEmpty())
        exportCsv(path);
}

void BoundPage::saveSettings(QSettings& settings) const
{
    settings.setValue(QStringLiteral("bound/model"), m_modelSpec);
    settings.setValue(QStringLiteral("bound/variance"), m_large->isChecked() ? QStringLiteral("large") : QStringLiteral("small"));
    settings.setValue(QStringLiteral("bound/clipDenoised"), m_clip->isChecked());
    settings.setValue(QStringLiteral("bound/samples"), m_samples->value());
    settings.setValue(QStringLiteral("bound/resolution"), m_resolution->currentData().toInt());
    settings.setValue(QStringLiteral("bound/seed"), m_seed->value());
}

void BoundPage::restoreSettings(const QSettings& settings)
{
    setLargeVariance(settings.value(QStringLiteral("bound/variance")).toString() == QStringLiteral("large"));
    setClipDenoised(settings.value(QStringLiteral("bound/clipDenoised"), false).toBool());
    setSamples(settings.value(QStringLiteral("bound/samples"), 1).toInt());
    setResolution(std::max(0, settings.value(QStringLiteral("bound/resolution"), 32).toInt()));
    setSeed(static_cast<quint64>(std::max(0, settings.value(QStringLiteral("bound/seed"), 0).toInt())));
    // A saved checkpoint that no longer loads falls back to the zero model without a dialog.
    const QString spec = settings.value(QStringLiteral("bound/model"), kZeroSpec).toString();
    if (spec != m_modelSpec) {
        try {
            (void)ddpm::makeModel(spec.toStdString());
            m_modelSpec = spec;
            m_model->setCurrentIndex(modelIndexForSpec(spec));
        } catch (const std::exception&) {
        }
    }
    updateStaleness();
}

} // namespace ddpm::ui
