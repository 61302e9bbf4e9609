#include "pages/forward_page.h"

#include <algorithm>
#include <cmath>

#include <QButtonGroup>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ddpm/error.h"
#include "ddpm/schedule.h"
#include "widgets/export.h"
#include "widgets/histogram_plot.h"
#include "widgets/image_view.h"
#include "widgets/schedule_selector.h"

namespace ddpm::ui {

const QString ForwardPage::kDefaultImage = QStringLiteral(":/images/chelsea.png");

namespace {

constexpr int kStripCount = 8;
constexpr int kDefaultResolution = 128;

const QString kImageKey = QStringLiteral("forward/image");
const QString kResolutionKey = QStringLiteral("forward/resolution");
const QString kSeedKey = QStringLiteral("forward/seed");
const QString kModeKey = QStringLiteral("forward/mode");
const QString kTKey = QStringLiteral("forward/t");
const QString kScheduleNameKey = QStringLiteral("forward/schedule/name");
const QString kScheduleStepsKey = QStringLiteral("forward/schedule/steps");
const QString kScheduleZtsnrKey = QStringLiteral("forward/schedule/zeroTerminalSnr");

QString number(double v, int precision = 4)
{
    if (std::isinf(v))
        return QStringLiteral("∞");
    return QString::number(v, 'g', precision);
}

QString describe(const ddpm::Image& image)
{
    return QObject::tr("%1 × %2, %3").arg(image.width).arg(image.height).arg(image.channels == 1 ? QObject::tr("gray") : QObject::tr("colour"));
}

} // namespace

ForwardPage::ForwardPage(QWidget* parent)
    : QWidget(parent)
{
    setAcceptDrops(true);
    buildUi();

    m_worker = new ForwardWorker;
    m_worker->moveToThread(&m_thread);
    connect(m_worker, &ForwardWorker::resultReady, this, &ForwardPage::onResult);
    connect(m_worker, &ForwardWorker::progress, this, &ForwardPage::onProgress);
    m_thread.setObjectName(QStringLiteral("forward-worker"));
    m_thread.start();

    applySchedule(m_choice, true);
    openImage(kDefaultImage, true);
}

ForwardPage::~ForwardPage()
{
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void ForwardPage::buildUi()
{
    // Controls: image and schedule.
    m_openButton = new QPushButton(tr("Open image…"), this);
    m_openButton->setToolTip(tr("Open another image (or drop an image file onto this page)"));
    m_imageInfo = new QLabel(this);
    m_imageInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_selector = new ScheduleSelector(this);
    m_exportButton = new QPushButton(tr("Export PNG…"), this);
    m_exportButton->setToolTip(tr("Save the images, strip and histogram as one PNG"));

    auto* row1 = new QHBoxLayout;
    row1->addWidget(m_openButton);
    row1->addWidget(m_imageInfo, 1);
    row1->addWidget(m_selector);
    row1->addSpacing(12);
    row1->addWidget(m_exportButton);

    // Controls: resolution, seed, mode.
    m_resolution = new QComboBox(this);
    for (int r : resolutions())
        m_resolution->addItem(r > 0 ? QStringLiteral("%1 × %1").arg(r) : tr("original"), r);
    m_resolution->setCurrentIndex(m_resolution->findData(kDefaultResolution));
    m_resolution->setToolTip(tr("The image is scaled and centre-cropped to N × N before noising"));

    m_seed = new QSpinBox(this);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of the noise: the same seed gives the same x_t"));
    auto* newSeed = new QPushButton(tr("New seed"), this);
    connect(newSeed, &QPushButton::clicked, this,
            [this] { m_seed->setValue(static_cast<int>(QRandomGenerator::global()->bounded(1000000))); });

    m_closedForm = new QRadioButton(tr("closed form"), this);
    m_closedForm->setToolTip(tr("x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε in one step (Eq. 4)"));
    m_chain = new QRadioButton(tr("Markov chain"), this);
    m_chain->setToolTip(tr("x_t walked step by step: x_s = √(1 − β_s) x_(s−1) + √β_s ε_s (Eq. 2)"));
    m_compare = new QRadioButton(tr("compare both"), this);
    m_compare->setToolTip(tr("x_t by the closed form and by the Markov chain side by side, same t and seed"));
    m_closedForm->setChecked(true);
    m_modeGroup = new QButtonGroup(this);
    m_modeGroup->addButton(m_closedForm, static_cast<int>(ForwardMode::ClosedForm));
    m_modeGroup->addButton(m_chain, static_cast<int>(ForwardMode::MarkovChain));
    m_modeGroup->addButton(m_compare, static_cast<int>(ForwardMode::Compare));

    auto* row2 = new QHBoxLayout;
    row2->addWidget(new QLabel(tr("Resolution"), this));
    row2->addWidget(m_resolution);
    row2->addSpacing(12);
    row2->addWidget(new QLabel(tr("Seed"), this));
    row2->addWidget(m_seed);
    row2->addWidget(newSeed);
    row2->addSpacing(12);
    row2->addWidget(m_closedForm);
    row2->addWidget(m_chain);
    row2->addWidget(m_compare);
    row2->addStretch(1);

    // Controls: t.
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setTracking(true);
    m_slider->setToolTip(tr("Diffusion step t"));
    m_tSpin = new QSpinBox(this);
    m_tSpin->setKeyboardTracking(false);
    m_scheduleReadout = new QLabel(this);
    m_scheduleReadout->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("ᾱ_t = 0.00000000   SNR = 0.00000000")));
    auto* row3 = new QHBoxLayout;
    row3->addWidget(new QLabel(tr("t"), this));
    row3->addWidget(m_slider, 1);
    row3->addWidget(m_tSpin);
    row3->addSpacing(12);
    row3->addWidget(m_scheduleReadout);

    // The view: x_0, noise, x_t and the histogram; the strip underneath.
    m_view = new QWidget(this);
    m_view->setAutoFillBackground(true);
    m_x0View = new ImageView(tr("x₀"), m_view);
    m_noiseView = new ImageView(tr("noise ε"), m_view);
    m_xtView = new ImageView(tr("xₜ"), m_view);
    m_xtChainView = new ImageView(tr("xₜ (Markov chain)"), m_view);
    m_xtChainView->setVisible(false);
    for (ImageView* v : {m_x0View, m_noiseView, m_xtView, m_xtChainView})
        v->setPlaceholder(tr("computing…"));
    m_histogram = new HistogramPlot(m_view);
    m_stats = new QLabel(m_view);
    m_stats->setTextFormat(Qt::RichText);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->setWordWrap(true);

    auto* histogramBox = new QVBoxLayout;
    histogramBox->addWidget(m_histogram, 1);
    histogramBox->addWidget(m_stats);

    auto* top = new QHBoxLayout;
    top->addWidget(m_x0View, 1);
    top->addWidget(m_noiseView, 1);
    top->addWidget(m_xtView, 1);
    top->addWidget(m_xtChainView, 1);
    top->addLayout(histogramBox, 1);

    auto* stripRow = new QHBoxLayout;
    stripRow->setSpacing(4);
    for (int i = 0; i < kStripCount; ++i) {
        auto* view = new ImageView(QString(), m_view);
        view->setFollowWidth(true);
        view->setMinimumWidth(48);
        m_stripViews.push_back(view);
        stripRow->addWidget(view, 1);
    }
    m_stripTitle = new QLabel(m_view);

    auto* viewLayout = new QVBoxLayout(m_view);
    viewLayout->setContentsMargins(6, 6, 6, 6);
    viewLayout->addLayout(top, 1);
    viewLayout->addSpacing(6);
    viewLayout->addWidget(m_stripTitle);
    viewLayout->addLayout(stripRow);

    m_status = new QLabel(this);
    m_status->setMinimumHeight(fontMetrics().height());

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row1);
    layout->addLayout(row2);
    layout->addLayout(row3);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    // Wiring.
    connect(m_openButton, &QPushButton::clicked, this, &ForwardPage::browseImage);
    connect(m_exportButton, &QPushButton::clicked, this, &ForwardPage::exportView);
    connect(m_selector, &ScheduleSelector::choiceChanged, this, &ForwardPage::onScheduleChosen);
    connect(m_slider, &QSlider::valueChanged, this, [this](int t) {
        {
            const QSignalBlocker block(m_tSpin);
            m_tSpin->setValue(t);
        }
        updateScheduleReadout();
        requestFrame();
    });
    connect(m_tSpin, qOverload<int>(&QSpinBox::valueChanged), m_slider, &QSlider::setValue);
    connect(m_resolution, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { requestFrame(); });
    connect(m_seed, qOverload<int>(&QSpinBox::valueChanged), this, [this] { requestFrame(); });
    connect(m_modeGroup, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            requestFrame();
    });
}

QList<int> ForwardPage::resolutions()
{
    return {32, 64, 128, 256, 512, 0};
}

bool ForwardPage::openImage(const QString& path, bool quiet)
{
    ddpm::Image loaded;
    QString shownPath = path;
    try {
        if (path.isEmpty())
            throw ddpm::Error("no image file given");
        if (path.startsWith(QLatin1Char(':'))) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                throw ddpm::Error("cannot read the bundled image " + path.toStdString());
            const QByteArray bytes = file.readAll();
            loaded = ddpm::decodeImage(bytes.toStdString(), path.toStdString());
        } else {
            shownPath = QFileInfo(path).absoluteFilePath();
            loaded = ddpm::loadImage(QFile::encodeName(shownPath).toStdString());
        }
        if (loaded.empty())
            throw ddpm::Error("the image " + path.toStdString() + " has no pixels");
    } catch (const std::exception& e) {
        reportError(QString::fromUtf8(e.what()), quiet);
        return false;
    }
    m_image = std::make_shared<const ddpm::Image>(std::move(loaded));
    m_imagePath = shownPath;
    const QString name = shownPath == kDefaultImage ? tr("Chelsea the cat (bundled)") : QFileInfo(shownPath).fileName();
    m_imageInfo->setText(QStringLiteral("%1 (%2)").arg(name, describe(*m_image)));
    m_imageInfo->setToolTip(shownPath);
    requestFrame();
    Q_EMIT imageChanged(m_imagePath);
    return true;
}

const ddpm::Image& ForwardPage::image() const
{
    static const ddpm::Image none;
    return m_image ? *m_image : none;
}

QString ForwardPage::imagePath() const
{
    return m_imagePath;
}

ScheduleChoice ForwardPage::schedule() const
{
    return m_choice;
}

void ForwardPage::setSchedule(const ScheduleChoice& choice)
{
    applySchedule(choice, false);
}

void ForwardPage::onScheduleChosen(const ScheduleChoice& choice)
{
    applySchedule(choice, false);
}

bool ForwardPage::applySchedule(const ScheduleChoice& choice, bool quiet)
{
    std::shared_ptr<const ddpm::NoiseSchedule> built;
    try {
        built = std::make_shared<const ddpm::NoiseSchedule>(choice.build());
    } catch (const std::exception& e) {
        reportError(QString::fromUtf8(e.what()), quiet);
        m_selector->setChoice(m_choice); // revert the controls
        return false;
    }
    const bool changed = !m_schedule || choice != m_choice;
    const int oldSteps = m_schedule ? m_schedule->steps() : 0;
    const int oldT = m_slider->value();
    m_choice = choice;
    m_schedule = std::move(built);
    m_selector->setChoice(m_choice);

    const int steps = m_schedule->steps();
    int t = oldSteps > 0 ? static_cast<int>(std::lround(static_cast<double>(oldT) * steps / oldSteps))
                         : std::max(1, steps / 4);
    t = std::clamp(t, 1, steps);
    {
        const QSignalBlocker b1(m_slider), b2(m_tSpin);
        m_slider->setRange(1, steps);
        m_slider->setPageStep(std::max(1, steps / 20));
        m_tSpin->setRange(1, steps);
        m_slider->setValue(t);
        m_tSpin->setValue(t);
    }
    updateScheduleReadout();
    requestFrame();
    if (changed)
        Q_EMIT scheduleChanged(m_choice);
    return true;
}

int ForwardPage::t() const
{
    return m_slider->value();
}

void ForwardPage::setT(int t)
{
    m_slider->setValue(t);
}

quint64 ForwardPage::seed() const
{
    return static_cast<quint64>(m_seed->value());
}

void ForwardPage::setSeed(quint64 seed)
{
    m_seed->setValue(static_cast<int>(std::min<quint64>(seed, static_cast<quint64>(m_seed->maximum()))));
}

ForwardMode ForwardPage::mode() const
{
    if (m_compare->isChecked())
        return ForwardMode::Compare;
    return m_chain->isChecked() ? ForwardMode::MarkovChain : ForwardMode::ClosedForm;
}

void ForwardPage::setMode(ForwardMode mode)
{
    QRadioButton* button = m_closedForm;
    if (mode == ForwardMode::MarkovChain)
        button = m_chain;
    else if (mode == ForwardMode::Compare)
        button = m_compare;
    button->setChecked(true);
}

int ForwardPage::resolution() const
{
    return m_resolution->currentData().toInt();
}

void ForwardPage::setResolution(int resolution)
{
    const int index = m_resolution->findData(resolution);
    if (index >= 0)
        m_resolution->setCurrentIndex(index);
}

QImage ForwardPage::x0Image() const
{
    return m_x0View->image();
}

QImage ForwardPage::noiseImage() const
{
    return m_noiseView->image();
}

QImage ForwardPage::xtImage() const
{
    return m_xtView->image();
}

QImage ForwardPage::xtChainImage() const
{
    return m_xtChainView->isVisibleTo(m_view) ? m_xtChainView->image() : QImage();
}

QList<QImage> ForwardPage::stripImages() const
{
    QList<QImage> out;
    for (ImageView* v : m_stripViews)
        if (!v->image().isNull())
            out.push_back(v->image());
    return out;
}

bool ForwardPage::isRendering() const
{
    return m_shownId != m_requestId || !m_shownComplete;
}

void ForwardPage::setErrorHandler(std::function<void(const QString&)> handler)
{
    m_errorHandler = std::move(handler);
}

void ForwardPage::reportError(const QString& message, bool quiet)
{
    m_lastError = message;
    if (quiet)
        return;
    if (m_errorHandler)
        m_errorHandler(message);
    else
        QMessageBox::warning(this, tr("Forward process"), message);
}

void ForwardPage::requestFrame()
{
    if (!m_image || !m_schedule || !m_worker)
        return;
    ForwardRequest request;
    request.id = ++m_requestId;
    request.image = m_image;
    request.schedule = m_schedule;
    request.t = m_slider->value();
    request.seed = seed();
    request.mode = mode();
    request.resolution = resolution();
    request.stripCount = kStripCount;
    m_worker->submit(request);
}

void ForwardPage::onProgress(quint64 id, int done, int total)
{
    if (id == m_requestId)
        m_status->setText(tr("Walking the Markov chain… step %1 of %2").arg(done).arg(total));
}

void ForwardPage::onResult(const ForwardResult& result)
{
    const bool latest = result.id == m_requestId;
    if (!result.error.isEmpty()) {
        if (latest) {
            m_shownId = result.id;
            m_shownComplete = true;
            m_status->setText(tr("Could not compute this frame: %1").arg(result.error));
            reportError(result.error, false);
        }
        return;
    }
    m_frame = result;
    m_shownId = result.id;
    m_shownComplete = result.complete;

    const bool chain = result.mode == ForwardMode::MarkovChain;
    const bool compare = result.mode == ForwardMode::Compare;
    m_x0View->setImage(result.x0);
    m_x0View->setCaption(tr("x₀ (%1 × %2)").arg(result.x0.width()).arg(result.x0.height()));
    m_noiseView->setImage(result.noise);
    m_noiseView->setCaption(chain ? tr("effective ε = (xₜ − √ᾱₜ x₀) / √(1 − ᾱₜ)") : tr("noise ε ~ N(0, I)"));
    m_noiseView->setVisible(!compare); // compare: the two x_t side by side instead
    m_xtView->setImage(result.xt);
    m_xtView->setCaption(tr("xₜ at t = %1 (%2)").arg(result.t).arg(chain ? tr("Markov chain") : tr("closed form")));
    m_xtChainView->setVisible(compare);
    m_xtChainView->setImage(compare ? result.xtChain : QImage());
    m_xtChainView->setCaption(compare ? tr("xₜ at t = %1 (Markov chain, seed %2)").arg(result.t).arg(result.seed) : QString());
    if (compare)
        m_histogram->setComparisonData(result.histLow, result.histHigh, result.histDensity, result.chainHistDensity,
                                       result.theoryDensity);
    else
        m_histogram->setData(result.histLow, result.histHigh, result.histDensity, result.theoryDensity);

    if (result.complete) {
        if (chain)
            m_stripTitle->setText(tr("xₜ at evenly spaced t along one walk of the Markov chain (seed %1)").arg(result.seed));
        else if (compare)
            m_stripTitle->setText(tr("xₜ at evenly spaced t, closed form with the same noise ε (seed %1); compare mode "
                                     "shows the closed form's strip")
                                      .arg(result.seed));
        else
            m_stripTitle->setText(tr("xₜ at evenly spaced t, closed form with the same noise ε (seed %1)").arg(result.seed));
        for (int i = 0; i < m_stripViews.size(); ++i) {
            ImageView* view = m_stripViews[i];
            const bool used = i < result.strip.size();
            view->setVisible(used);
            view->setImage(used ? result.strip[i] : QImage());
            view->setCaption(used ? QStringLiteral("t = %1").arg(result.stripSteps[i]) : QString());
        }
    }

    const QString cell = QStringLiteral("<td align=right>&nbsp;&nbsp;%1</td>");
    if (compare) {
        m_stats->setText(
            tr("<b>t = %1</b> of %2 &nbsp; ᾱₜ = %3 &nbsp; SNR = %4<br>"
               "<table><tr><td></td><td align=right>&nbsp;&nbsp;closed&nbsp;form</td>"
               "<td align=right>&nbsp;&nbsp;Markov&nbsp;chain</td><td align=right>&nbsp;&nbsp;predicted</td></tr>"
               "<tr><td>mean&nbsp;of&nbsp;xₜ</td>%5%6%7</tr><tr><td>std&nbsp;of&nbsp;xₜ</td>%8%9%10</tr></table>"
               "<small>measured for both (same t, seed %11); predicted mean √ᾱₜ·mean(x₀), "
               "std √(ᾱₜ·var(x₀) + 1 − ᾱₜ); x₀ mean %12, std %13</small>")
                .arg(result.t)
                .arg(result.steps)
                .arg(number(result.alphaBar))
                .arg(number(result.snr))
                .arg(cell.arg(result.measuredMean, 0, 'f', 4), cell.arg(result.chainMeasuredMean, 0, 'f', 4),
                     cell.arg(result.predictedMean, 0, 'f', 4), cell.arg(result.measuredStd, 0, 'f', 4),
                     cell.arg(result.chainMeasuredStd, 0, 'f', 4), cell.arg(result.predictedStd, 0, 'f', 4))
                .arg(result.seed)
                .arg(result.x0Mean, 0, 'f', 3)
                .arg(result.x0Std, 0, 'f', 3));
    } else {
        m_stats->setText(
            tr("<b>t = %1</b> of %2 &nbsp; ᾱₜ = %3 &nbsp; SNR = %4<br>"
               "<table><tr><td></td><td align=right>&nbsp;&nbsp;measured</td><td align=right>&nbsp;&nbsp;predicted</td></tr>"
               "<tr><td>mean of xₜ</td>%5%6</tr><tr><td>std of xₜ</td>%7%8</tr></table>"
               "<small>predicted mean √ᾱₜ·mean(x₀), std √(ᾱₜ·var(x₀) + 1 − ᾱₜ); x₀ mean %9, std %10</small>")
                .arg(result.t)
                .arg(result.steps)
                .arg(number(result.alphaBar))
                .arg(number(result.snr))
                .arg(cell.arg(result.measuredMean, 0, 'f', 4), cell.arg(result.predictedMean, 0, 'f', 4),
                     cell.arg(result.measuredStd, 0, 'f', 4), cell.arg(result.predictedStd, 0, 'f', 4))
                .arg(result.x0Mean, 0, 'f', 3)
                .arg(result.x0Std, 0, 'f', 3));
    }

    if (latest && result.complete) {
        m_status->clear();
        Q_EMIT frameReady();
    } else if (latest) {
        m_status->setText(tr("Walking the Markov chain to t = %1 for the strip…").arg(result.steps));
    }
}

void ForwardPage::updateScheduleReadout()
{
    if (!m_schedule)
        return;
    const int t = std::clamp(m_slider->value(), 1, m_schedule->steps());
    const double ab = m_schedule->alphaBar(t);
    const double snr = ab < 1.0 ? ab / (1.0 - ab) : std::numeric_limits<double>::infinity();
    m_scheduleReadout->setText(tr("ᾱₜ = %1   SNR = %2").arg(number(ab, 6), number(snr, 6)));
}

void ForwardPage::browseImage()
{
    const QString folder = m_imagePath.startsWith(QLatin1Char(':')) ? QString() : QFileInfo(m_imagePath).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open image"), folder,
        tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.pgm *.ppm);;All files (*)"));
    if (!path.isEmpty())
        openImage(path);
}

void ForwardPage::exportView()
{
    const QString path = askSavePath(this, tr("Export the forward process view"),
                                     QStringLiteral("forward-t%1.png").arg(t()), tr("PNG image (*.png)"));
    if (!path.isEmpty())
        saveWidgetPng(this, m_view, path);
}

void ForwardPage::dragEnterEvent(QDragEnterEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void ForwardPage::dropEvent(QDropEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (!mime->hasUrls() || mime->urls().isEmpty() || !mime->urls().front().isLocalFile())
        return;
    event->acceptProposedAction();
    const QString path = mime->urls().front().toLocalFile();
    // Open after the drop finishes so a message box does not run inside the drag loop.
    QMetaObject::invokeMethod(this, [this, path] { openImage(path); }, Qt::QueuedConnection);
}

void ForwardPage::saveSettings(QSettings& settings) const
{
    settings.setValue(kImageKey, m_imagePath);
    settings.setValue(kResolutionKey, resolution());
    settings.setValue(kSeedKey, seed());
    const ForwardMode m = mode();
    settings.setValue(kModeKey, m == ForwardMode::MarkovChain ? QStringLiteral("chain")
                                : m == ForwardMode::Compare   ? QStringLiteral("compare")
                                                              : QStringLiteral("closed"));
    settings.setValue(kTKey, t());
    settings.setValue(kScheduleNameKey, m_choice.name);
    settings.setValue(kScheduleStepsKey, m_choice.steps);
    settings.setValue(kScheduleZtsnrKey, m_choice.zeroTerminalSnr);
}

void ForwardPage::restoreSettings(const QSettings& settings)
{
    if (settings.contains(kScheduleNameKey)) {
        ScheduleChoice choice;
        choice.name = settings.value(kScheduleNameKey, choice.name).toString();
        choice.steps = settings.value(kScheduleStepsKey, choice.steps).toInt();
        choice.zeroTerminalSnr = settings.value(kScheduleZtsnrKey, false).toBool();
        applySchedule(choice, true); // a bad stored schedule keeps the default
    }
    if (settings.contains(kResolutionKey))
        setResolution(settings.value(kResolutionKey).toInt());
    if (settings.contains(kSeedKey))
        setSeed(settings.value(kSeedKey).toULongLong());
    if (settings.contains(kModeKey)) {
        const QString stored = settings.value(kModeKey).toString();
        setMode(stored == QStringLiteral("chain")     ? ForwardMode::MarkovChain
                : stored == QStringLiteral("compare") ? ForwardMode::Compare
                                                      : ForwardMode::ClosedForm);
    }
    if (settings.contains(kTKey))
        setT(settings.value(kTKey).toInt());
    const QString path = settings.value(kImageKey).toString();
    if (!path.isEmpty() && path != m_imagePath && !openImage(path, true) && m_imagePath != kDefaultImage)
        openImage(kDefaultImage, true); // the last image no longer opens: back to the cat, quietly
}

} // namespace ddpm::ui
