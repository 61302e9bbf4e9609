#include "pages/bound_page.h"

#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGraphicsOpacityEffect>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

#include "ddpm/schedule.h"
#include "widgets/wheel_guard.h"
#include "widgets/bound_options.h"
#include "widgets/bound_plots.h"
#include "widgets/bound_text.h"
#include "widgets/bound_totals.h"
#include "widgets/export.h"
#include "widgets/font_scaled_width.h"
#include "widgets/lesson_panel.h"
#include "widgets/message_text.h"
#include "widgets/plot_style.h"

namespace ddpm::ui {

namespace {

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

BoundPage::BoundPage(QWidget* parent, std::shared_ptr<ddpm::ThreadBudget> budget)
    : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(buildControls());
    layout->addWidget(buildResults(), 1);

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("bound-worker"));
    m_worker = new BoundWorker(std::move(budget)); // no parent: it lives in m_thread and is deleted after the join
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

QCustomPlot* BoundPage::termsPlot() const { return m_plots->termsPlot(); }
QCustomPlot* BoundPage::cumulativePlot() const { return m_plots->cumulativePlot(); }
QCustomPlot* BoundPage::weightPlot() const { return m_plots->weightPlot(); }
QTableWidget* BoundPage::totalsTable() const { return m_totals; }

// ---------------------------------------------------------------------------------------------
// Building the widgets

QPushButton* BoundPage::addButton(QHBoxLayout* row, const QString& text, const QString& toolTip, void (BoundPage::*slot)())
{
    auto* button = new QPushButton(text, this);
    button->setToolTip(toolTip);
    connect(button, &QPushButton::clicked, this, slot);
    row->addWidget(button);
    return button;
}

QWidget* BoundPage::buildControls()
{
    auto* panel = new QWidget(this);
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

    m_options = new BoundOptions(panel);
    connect(m_options, &BoundOptions::changed, this, &BoundPage::updateStaleness);
    connect(m_options, &BoundOptions::failed, this, &BoundPage::showError);
    column->addWidget(m_options);

    auto* buttons = new QHBoxLayout;
    QPushButton* evaluateButton =
        addButton(buttons, tr("Evaluate"), tr("Compute every term of the bound for the inputs above."), &BoundPage::evaluate);
    evaluateButton->setObjectName(QStringLiteral("evaluate"));
    evaluateButton->setDefault(true);
    m_cancel = addButton(buttons, tr("Cancel"), tr("Stop the evaluation; the last results stay."), &BoundPage::cancel);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    column->addLayout(buttons);

    m_progress = new QProgressBar(panel);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    column->addWidget(m_progress);

    auto* totalsBox = new QGroupBox(tr("Totals (bits/dim)"), panel);
    auto* totalsLayout = new QVBoxLayout(totalsBox);
    m_totals = new BoundTotals(totalsBox);
    totalsLayout->addWidget(m_totals);
    m_totalsDim = new QGraphicsOpacityEffect(m_totals);
    m_totalsDim->setOpacity(kStaleOpacity);
    m_totalsDim->setEnabled(false);
    m_totals->setGraphicsEffect(m_totalsDim);
    column->addWidget(totalsBox);

    auto* exports = new QHBoxLayout;
    m_exportPng = addButton(exports, tr("Export PNG…"), tr("Save the three plots as one PNG image."), &BoundPage::exportPngAsk);
    m_exportCsv = addButton(exports, tr("Export CSV…"), tr("Save t, bpd, l_simple and weight, one row per t."),
                            &BoundPage::exportCsvAsk);
    column->addLayout(exports);
    column->addStretch(1);

    // On a short screen the column scrolls instead of squeezing the plots.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(panel);
    installWheelGuard(panel); // the wheel scrolls the column, not the control under the pointer
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMaximumWidth(340);
    scaleWidthWithFont(scroll); // wider in presentation mode (see changeEvent)
    m_controlsScroll = scroll;
    return scroll;
}

QWidget* BoundPage::buildResults()
{
    auto* area = new QWidget(this);
    auto* layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new LessonPanel(QStringLiteral("bound"), area));
    m_resultsLabel = new QLabel(area);
    m_resultsLabel->setObjectName(QStringLiteral("resultsLabel"));
    m_resultsLabel->setWordWrap(true);
    m_resultsLabel->setTextFormat(Qt::RichText);
    layout->addWidget(m_resultsLabel);

    // Stale results: a banner above them, and the plots and totals dimmed.
    m_staleBanner = new QLabel(area);
    m_staleBanner->setObjectName(QStringLiteral("staleBanner"));
    m_staleBanner->setWordWrap(true);
    m_staleBanner->setTextFormat(Qt::RichText);
    m_staleBanner->setStyleSheet(QStringLiteral("QLabel { background: #fff1c2; color: #5c3b00; border: 1px solid #d9a300;"
                                                " border-radius: 3px; padding: 6px; }"));
    m_staleBanner->setText(tr("<b>Out of date:</b> the inputs changed since these results were computed; the plots "
                              "and totals below are dimmed. Press <b>Evaluate</b> to refresh them."));
    m_staleBanner->setVisible(false);
    layout->addWidget(m_staleBanner);

    m_plots = new BoundPlots(area);
    layout->addWidget(m_plots, 1);
    m_plotsDim = new QGraphicsOpacityEffect(m_plots);
    m_plotsDim->setOpacity(kStaleOpacity);
    m_plotsDim->setEnabled(false);
    m_plots->setGraphicsEffect(m_plotsDim);
    return area;
}

void BoundPage::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::FontChange || !m_controlsScroll)
        return;
    // Normally the column may get narrower than its controls on a small screen (it then
    // scrolls); with enlarged text (presentation mode) it keeps their width, else the larger
    // controls would be cut off.
    QWidget* panel = m_controlsScroll->widget();
    const int controls = panel->minimumSizeHint().width() + m_controlsScroll->verticalScrollBar()->sizeHint().width();
    m_controlsScroll->setMinimumWidth(plotLineScale() > 1.0 ? std::min(controls, m_controlsScroll->maximumWidth()) : 0);
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
    // A custom file's T is the file's: read it now so the inputs and results say so.
    m_schedule = choice;
    try {
        m_schedule = choice.resolvedBy(choice.build());
    } catch (const std::exception&) {
        // Evaluate reports why it cannot be built.
    }
    updateInputsText();
    updateStaleness();
}

BoundSettings BoundPage::currentSettings() const
{
    BoundSettings s;
    s.imageName = m_imageName;
    s.imageSerial = m_imageSerial;
    s.schedule = m_schedule;
    m_options->fillSettings(s);
    return s;
}

void BoundPage::setSamples(int k) { m_options->setSamples(k); }
void BoundPage::setResolution(int n) { m_options->setResolution(n); }
void BoundPage::setLargeVariance(bool large) { m_options->setLargeVariance(large); }
void BoundPage::setClipDenoised(bool clip) { m_options->setClipDenoised(clip); }
void BoundPage::setSeed(quint64 seed) { m_options->setSeed(seed); }
bool BoundPage::setModelSpec(const QString& spec) { return m_options->setModelSpec(spec); }
void BoundPage::offerModel(const QString& spec, const QString& label) { m_options->offerModel(spec, label); }

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
        m_staleBanner->setVisible(false);
        m_plotsDim->setEnabled(false);
        m_totalsDim->setEnabled(false);
        m_resultsLabel->setText(tr("No results yet: press <b>Evaluate</b> to compute every term of the "
                                   "bound for the image and schedule on the left."));
        return;
    }
    const bool stale = isStale();
    m_resultsLabel->setText(tr("Results for %1; %2 s.")
                                .arg(settingsSummary(m_result).toHtmlEscaped())
                                .arg(m_result.seconds, 0, 'f', 2));
    m_staleBanner->setVisible(stale);
    m_plotsDim->setEnabled(stale);
    m_totalsDim->setEnabled(stale);
    if (stale && !isRunning()) {
        // "done in 0.03 s" belongs to the results, not to the inputs now on the left.
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progress->setFormat(tr("results out of date"));
    }
}

bool BoundPage::resultsDimmed() const
{
    return m_plotsDim->isEnabled() && m_totalsDim->isEnabled();
}

QString BoundPage::figureCaption() const
{
    if (!hasResult())
        return {};
    const BoundReport& r = m_result;
    return tr("Bound: %1. L_T = %2, L₀ = %3, Σ %4 = %5, total = %6 bits/dim.%7 DDPM Studio.")
        .arg(settingsSummary(r), bpdText(r.priorBpd), bpdText(r.decoderBpd), ltm1Text(), bpdText(r.termsBpdSum),
             bpdText(r.totalBpd), isStale() ? tr(" Out of date: the inputs have changed since.") : QString());
}

void BoundPage::showError(const QString& title, const QString& message)
{
    // Not exec(): a modal loop here would stall the page's signals (and tests).
    auto* box = new QMessageBox(QMessageBox::Warning, title, messageText(message), QMessageBox::Ok, this);
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

void BoundPage::endRun(const QString& progressText, bool done)
{
    m_runningId = 0;
    m_stop.reset();
    m_progress->setRange(0, 1);
    m_progress->setValue(done ? 1 : 0);
    m_progress->setFormat(progressText);
    setRunning(false);
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
    m_result = report;
    endRun(tr("done in %1 s").arg(report.seconds, 0, 'f', 2), true);
    m_plots->showReport(m_result);
    m_totals->showReport(m_result);
    updateStaleness();
    Q_EMIT evaluationFinished();
}

void BoundPage::onFailed(quint64 id, const QString& message)
{
    if (id != m_runningId)
        return;
    endRun(tr("failed"), false);
    showError(tr("Cannot evaluate the bound"), message);
    Q_EMIT evaluationFailed(message);
}

void BoundPage::onCancelled(quint64 id)
{
    if (id != m_runningId)
        return;
    endRun(tr("cancelled"), false);
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
    if (!hasResult() && !isRunning() && !m_image.empty() && s.modelSpec == BoundOptions::zeroSpec() && s.resolution > 0
        && s.resolution <= 64 && m_schedule.steps <= 4000 && s.samples <= 4)
        QTimer::singleShot(0, this, &BoundPage::evaluate);
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
    return hasResult() && m_plots->exportPng(path, figureCaption());
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
    m_options->saveSettings(settings);
}

void BoundPage::restoreSettings(const QSettings& settings)
{
    m_options->restoreSettings(settings);
    updateStaleness();
}

} // namespace ddpm::ui
