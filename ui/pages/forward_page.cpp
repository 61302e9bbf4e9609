#include "pages/forward_page.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QKeyEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QVBoxLayout>

#include "ddpm/error.h"
#include "ddpm/schedule.h"
#include "file_kind.h"
#include "widgets/export.h"
#include "widgets/forward_controls.h"
#include "widgets/forward_view.h"
#include "widgets/lesson_panel.h"
#include "widgets/message_text.h"
#include "widgets/number_text.h"
#include "widgets/playback_keys.h"
#include "widgets/slider_player.h"

namespace ddpm::ui {

const QString ForwardPage::kDefaultImage = QStringLiteral(":/images/chelsea.png");

namespace {

const QString kImageKey = QStringLiteral("forward/image");
const QString kResolutionKey = QStringLiteral("forward/resolution");
const QString kSeedKey = QStringLiteral("forward/seed");
const QString kModeKey = QStringLiteral("forward/mode");
const QString kTKey = QStringLiteral("forward/t");
const QString kPlaySpeedKey = QStringLiteral("forward/playSpeed");
const QString kScheduleNameKey = QStringLiteral("forward/schedule/name");
const QString kScheduleStepsKey = QStringLiteral("forward/schedule/steps");
const QString kScheduleZtsnrKey = QStringLiteral("forward/schedule/zeroTerminalSnr");

QString describe(const ddpm::Image& image)
{
    return QObject::tr("%1 × %2, %3").arg(image.width).arg(image.height).arg(image.channels == 1 ? QObject::tr("gray") : QObject::tr("colour"));
}

} // namespace

ForwardPage::ForwardPage(QWidget* parent, std::shared_ptr<ddpm::ThreadBudget> budget)
    : QWidget(parent)
{
    // Files dropped on the window go to the main window, which sends images to openImage.
    // A click on the pictures gives the page the keyboard, so Space plays t from there.
    setFocusPolicy(Qt::ClickFocus);
    buildUi();
    // Space, Left and Right wherever the focus is on the page, but in a text field.
    addPlaybackKeys(this, {[this] { player()->togglePlay(); }, [this] { setT(t() - 1); }, [this] { setT(t() + 1); }});

    m_worker = new ForwardWorker(std::move(budget));
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
    m_controls = new ForwardControls(this);
    m_view = new ForwardView(this);
    m_status = new QLabel(this);
    m_status->setMinimumHeight(fontMetrics().height());

    m_lesson = new LessonPanel(QStringLiteral("forward"), this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_lesson);
    layout->addWidget(m_controls);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    connect(m_controls, &ForwardControls::openRequested, this, &ForwardPage::browseImage);
    connect(m_controls, &ForwardControls::exportRequested, this, &ForwardPage::exportView);
    connect(m_controls, &ForwardControls::scheduleChosen, this, &ForwardPage::onScheduleChosen);
    connect(m_controls, &ForwardControls::tChanged, this, [this] {
        updateScheduleReadout();
        requestFrame();
    });
    connect(m_controls, &ForwardControls::frameSettingsChanged, this, [this] { requestFrame(); });
}

QList<int> ForwardPage::resolutions()
{
    return ForwardControls::resolutions();
}

SliderPlayer* ForwardPage::player() const
{
    return m_controls->player();
}

QWidget* ForwardPage::viewArea() const
{
    return m_view;
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
    m_controls->setImageInfo(QStringLiteral("%1 (%2)").arg(name, describe(*m_image)), shownPath);
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
        m_controls->setChoice(m_choice); // revert the controls
        return false;
    }
    const ScheduleChoice resolved = choice.resolvedBy(*built); // a custom file's T is the file's
    const bool changed = !m_schedule || resolved != m_choice;
    const int oldSteps = m_schedule ? m_schedule->steps() : 0;
    const int oldT = m_controls->t();
    m_choice = resolved;
    m_schedule = std::move(built);
    m_controls->setChoice(m_choice);

    const int steps = m_schedule->steps();
    int t = oldSteps > 0 ? static_cast<int>(std::lround(static_cast<double>(oldT) * steps / oldSteps))
                         : std::max(1, steps / 4);
    t = std::clamp(t, 1, steps);
    m_controls->setSteps(steps, t);
    updateScheduleReadout();
    requestFrame();
    if (changed)
        Q_EMIT scheduleChanged(m_choice);
    return true;
}

int ForwardPage::t() const
{
    return m_controls->t();
}

void ForwardPage::setT(int t)
{
    m_controls->setT(t);
}

quint64 ForwardPage::seed() const
{
    return m_controls->seed();
}

void ForwardPage::setSeed(quint64 seed)
{
    m_controls->setSeed(seed);
}

ForwardMode ForwardPage::mode() const
{
    return m_controls->mode();
}

void ForwardPage::setMode(ForwardMode mode)
{
    m_controls->setMode(mode);
}

int ForwardPage::resolution() const
{
    return m_controls->resolution();
}

void ForwardPage::setResolution(int resolution)
{
    m_controls->setResolution(resolution);
}

QImage ForwardPage::x0Image() const
{
    return m_view->x0Image();
}

QImage ForwardPage::noiseImage() const
{
    return m_view->noiseImage();
}

QImage ForwardPage::xtImage() const
{
    return m_view->xtImage();
}

QImage ForwardPage::xtChainImage() const
{
    return m_view->xtChainImage();
}

QList<QImage> ForwardPage::stripImages() const
{
    return m_view->stripImages();
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
    m_lastError = messageText(message);
    if (quiet)
        return;
    if (m_errorHandler)
        m_errorHandler(m_lastError);
    else
        QMessageBox::warning(this, tr("Forward process"), m_lastError);
}

void ForwardPage::requestFrame()
{
    if (!m_image || !m_schedule || !m_worker)
        return;
    ForwardRequest request;
    request.id = ++m_requestId;
    request.image = m_image;
    request.schedule = m_schedule;
    request.t = m_controls->t();
    request.seed = seed();
    request.mode = mode();
    request.resolution = resolution();
    request.stripCount = ForwardView::kStripCount;
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

    m_view->showResult(result);

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
    const int t = std::clamp(m_controls->t(), 1, m_schedule->steps());
    const double ab = m_schedule->alphaBar(t);
    const double snr = ab < 1.0 ? ab / (1.0 - ab) : std::numeric_limits<double>::infinity();
    m_controls->setScheduleValues(ab, snr);
}

void ForwardPage::browseImage()
{
    const QString folder = m_imagePath.startsWith(QLatin1Char(':')) ? QString() : QFileInfo(m_imagePath).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open image"), folder,
        imageFileFilter());
    if (!path.isEmpty())
        openImage(path);
}

QString ForwardPage::figureCaption() const
{
    const QString name = m_imagePath == kDefaultImage ? QStringLiteral("chelsea.png") : QFileInfo(m_imagePath).fileName();
    const ForwardMode m = mode();
    const QString modeText = m == ForwardMode::MarkovChain ? tr("Markov chain")
                             : m == ForwardMode::Compare   ? tr("closed form and Markov chain")
                                                           : tr("closed form");
    const QString size = m_frame.x0.isNull() ? QString() : tr(" at %1 × %2").arg(m_frame.x0.width()).arg(m_frame.x0.height());
    return tr("Forward process: %1%2; schedule %3; t = %4; seed %5; %6; ᾱₜ = %7, SNR = %8. "
              "Pictures clamped to [−1, 1]. DDPM Studio.")
        .arg(name, size, m_choice.label())
        .arg(t())
        .arg(seed())
        .arg(modeText, numberText(m_frame.alphaBar, 4), numberText(m_frame.snr, 4));
}

void ForwardPage::exportView()
{
    const QString path = askSavePath(this, tr("Export the forward process view"),
                                     QStringLiteral("forward-t%1.png").arg(t()), tr("PNG image (*.png)"));
    if (!path.isEmpty())
        exportPng(path);
}

bool ForwardPage::exportPng(const QString& path)
{
    return saveWidgetPng(this, m_view, path, figureCaption());
}

void ForwardPage::keyPressEvent(QKeyEvent* event)
{
    // Here come the keys the focused control left alone (a button or a text box keeps Space).
    if (event->key() == Qt::Key_Space && event->modifiers() == Qt::NoModifier) {
        player()->togglePlay();
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ForwardPage::hideEvent(QHideEvent* event)
{
    player()->pause();
    QWidget::hideEvent(event);
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
    settings.setValue(kPlaySpeedKey, player()->speed());
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
        applySchedule(choice.withoutFileSteps(), true); // a bad stored schedule keeps the default
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
    if (settings.contains(kPlaySpeedKey))
        player()->setSpeed(settings.value(kPlaySpeedKey).toInt());
    const QString path = settings.value(kImageKey).toString();
    if (!path.isEmpty() && path != m_imagePath && !openImage(path, true) && m_imagePath != kDefaultImage)
        openImage(kDefaultImage, true); // the last image no longer opens: back to the cat, quietly
}

} // namespace ddpm::ui
