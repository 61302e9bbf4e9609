#include "main_window.h"

#include <algorithm>
#include <cmath>

#include <QFileInfo>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStatusBar>
#include <QThread>
#include <QTimer>

#include "ddpm/error.h"
#include "ddpm/experiment.h"
#include "ddpm/runtime.h"
#include "ddpm/thread_budget.h"
#include "about_box.h"
#include "guide_dialog.h"
#include "pages/bound_page.h"
#include "pages/forward_page.h"
#include "pages/reverse_page.h"
#include "pages/schedule_page.h"
#include "pages/training_page.h"
#include "recent_files.h"
#include "theme.h"
#include "thread_dialog.h"
#include "widgets/combo_box_hints.h"
#include "widgets/export.h"
#include "widgets/message_text.h"
#include "widgets/page_area.h"
#include "widgets/plot_style.h"
#include "widgets/sampling_options.h"
#include "widgets/training_options.h"
#include "widgets/training_plots.h"

namespace ddpm::ui {

namespace {
/// 0: automatic (probe at every start); N >= 1: N threads.
const QString kThreadsKey = QStringLiteral("runtime/threads");
const QString kPresentationKey = QStringLiteral("view/presentation");

/// `font` `scale` times larger, whether its size is given in points or in pixels.
QFont scaledFont(const QFont& font, double scale)
{
    QFont out = font;
    if (font.pointSizeF() > 0)
        out.setPointSizeF(font.pointSizeF() * scale);
    else if (font.pixelSize() > 0)
        out.setPixelSize(int(std::lround(font.pixelSize() * scale)));
    return out;
}

/// How long a status bar message of the File menu stays.
constexpr int kStatusMs = 15000;

/// The first local file or folder of a drag, or "" when it has none.
QString firstLocalPath(const QMimeData* mime)
{
    if (mime == nullptr || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            return url.toLocalFile();
    return {};
}

/// A checkpoint's name in the model lists: "RUN/step-N.ckpt" for one in a run's
/// checkpoints/ folder, "RUN (newest checkpoint)" for a run folder, else its file name.
QString checkpointLabel(const QString& path)
{
    const QFileInfo info(path);
    if (info.isDir())
        return QObject::tr("%1 (newest checkpoint)").arg(QDir(path).dirName());
    const QDir folder = info.absoluteDir();
    if (folder.dirName() == QLatin1String("checkpoints"))
        return QFileInfo(folder.absolutePath()).dir().dirName() + QLatin1Char('/') + info.fileName();
    return info.fileName();
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("DDPM Studio"));

    m_recent = std::make_unique<RecentFiles>();
    m_state = new StudioState(this);
    setAcceptDrops(true);

    // One thread budget for every page's worker: training and the others split the cores.
    m_budget = std::make_shared<ddpm::ThreadBudget>(ddpm::threadCount());
    m_schedulePage = new SchedulePage(this);
    m_forwardPage = new ForwardPage(this, m_budget);
    m_boundPage = new BoundPage(this, m_budget);
    m_trainingPage = new TrainingPage(this, m_budget);
    m_reversePage = new ReversePage(this, m_budget);

    // A page that needs more room than the screen has (a small screen, presentation mode's
    // font) scrolls instead of growing the window past the screen's edge; only the page shown
    // counts (page_area.h).
    m_pageScroll = new PageArea(this);
    m_pageScroll->setObjectName(QStringLiteral("pageScroll"));
    m_pages = m_pageScroll->pages();
    m_pageList = new QListWidget(this);
    const QList<QPair<QString, QWidget*>> pages = {
        {tr("Schedule"), m_schedulePage},   {tr("Forward process"), m_forwardPage},
        {tr("Bound"), m_boundPage},         {tr("Training"), m_trainingPage},
        {tr("Reverse chain"), m_reversePage},
    };
    for (const auto& [title, page] : pages) {
        m_pageList->addItem(title);
        m_pages->addWidget(page);
    }
    m_pageList->setSpacing(4);
    fitPageList();
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_pageList);
    layout->addWidget(m_pageScroll, 1);
    setCentralWidget(central);

    connectSharedState();

    m_runtimeLabel = new QLabel(this);
    m_runtimeLabel->setObjectName(QStringLiteral("runtime"));
    m_runtimeLabel->setToolTip(tr("Where torch computes and how many threads one operation uses.\n"
                                  "Automatic (a short timed probe at every start) or fixed: Settings › Compute threads.\n"
                                  "A training run keeps its count; while it runs the other pages get what it leaves."));
    statusBar()->addPermanentWidget(m_runtimeLabel);
    // While a run trains, the status bar says how the threads are split.
    connect(m_trainingPage, &TrainingPage::stateChanged, this, &MainWindow::updateStatus);

    // Every plot follows the application font and scales its lines (presentation mode), also
    // plots whose owners never ask for it: those of every page now and any made later.
    followApplicationStyleEverywhere(this);
    // And every combo box measures itself in the new font (Qt keeps its old minimum).
    remeasureComboBoxesOnFontChange(this);
    buildMenus();
    restoreSettings();
    // The shared state starts from the restored Forward page (the lesson's image and schedule).
    m_state->setImage(m_forwardPage->image(), m_forwardPage->imagePath());
    m_state->setSchedule(m_forwardPage->schedule());
    followSharedSchedule(m_state->schedule());
    updateStatus();
    // File › Export follows what the current page has to export (a result arriving, a run's curves).
    auto* exportTimer = new QTimer(this);
    exportTimer->setInterval(500);
    connect(exportTimer, &QTimer::timeout, this, &MainWindow::updateExportAction);
    exportTimer->start();
    connect(m_pageList, &QListWidget::currentRowChanged, this, &MainWindow::updateExportAction);
    updateExportAction();
}

MainWindow::~MainWindow()
{
    // The application font is the window's to scale: it goes back with the window.
    if (m_presentation)
        QApplication::setFont(m_normalFont);
}

void MainWindow::showPage(Page page)
{
    m_pageList->setCurrentRow(static_cast<int>(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

void MainWindow::buildMenus()
{
    buildFileMenu();

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pageList->count(); ++i) {
        QAction* action = view->addAction(m_pageList->item(i)->text(), this, [this, i] { showPage(Page(i)); });
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    m_presentationAction = view->addAction(tr("&Presentation mode"));
    m_presentationAction->setObjectName(QStringLiteral("presentationMode"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_presentationAction->setStatusTip(tr("Everything %1 times larger for a projector: text, plot labels and lines")
                                           .arg(kPresentationScale));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    addThemeMenu(view); // View › Theme; applies the saved theme

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("Compute &threads…"), this, &MainWindow::chooseThreadCount);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* guide = help->addAction(tr("&User guide"), this, [this] { showUserGuide(); });
    guide->setObjectName(QStringLiteral("userGuide"));
    guide->setShortcut(QKeySequence::HelpContents);
    help->addSeparator();
    QAction* about = help->addAction(tr("&About DDPM Studio"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("about"));
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildFileMenu()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    const auto add = [this, file](const QString& text, const QString& name, const QKeySequence& keys, auto slot) {
        QAction* action = file->addAction(text, this, slot);
        action->setObjectName(name);
        action->setShortcut(keys);
        return action;
    };
    add(tr("&Open image…"), QStringLiteral("openImage"), QKeySequence::Open, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open image"), QString(), imageFileFilter());
        if (!path.isEmpty())
            openImage(path);
    })->setStatusTip(tr("Open an image on the Forward process page (the Bound page evaluates it too)"));
    add(tr("Open &checkpoint…"), QStringLiteral("openCheckpoint"), QKeySequence(), [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), QString(),
                                                          tr("DDPM checkpoints (*.ckpt);;All files (*)"));
        if (!path.isEmpty())
            openCheckpoint(path);
    })->setStatusTip(tr("Sample a trained model on the Reverse chain page and offer it on the Bound page"));
    add(tr("Open r&un folder…"), QStringLiteral("openRunFolder"), QKeySequence(), [this] {
        const QString path = QFileDialog::getExistingDirectory(this, tr("Open run folder"));
        if (!path.isEmpty())
            openCheckpoint(path);
    })->setStatusTip(tr("A training run's folder: its newest checkpoint that verifies"));
    add(tr("Open &experiment…"), QStringLiteral("openExperiment"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), QString(),
                                                          tr("Experiments (*.json);;All files (*)"));
        if (!path.isEmpty())
            openExperiment(path);
    })->setStatusTip(tr("Show an experiment's settings (or a run's config.json) on the Training page"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::pruneRecent);
    rebuildRecentMenu();
    file->addSeparator();
    add(tr("&Save experiment…"), QStringLiteral("saveExperiment"), QKeySequence::Save, [this] {
        const QString path = askSavePath(this, tr("Save experiment"), QStringLiteral("experiment.json"),
                                         tr("Experiments (*.json)"));
        if (!path.isEmpty())
            saveExperiment(path);
    })->setStatusTip(tr("The Training page's settings as a file that Open experiment and `ddpm train --config` read"));
    // Ctrl+E exports: the order (Ctrl+O, Ctrl+S, Ctrl+E) is open, save, export, and
    // Ctrl+E is Export in many desktop programs; Open experiment takes Ctrl+Shift+O.
    m_exportAction = add(tr("E&xport figure…"), QStringLiteral("export"), QKeySequence(Qt::CTRL | Qt::Key_E),
                         [this] { exportCurrentPage(); });
    m_exportAction->setStatusTip(tr("Save the current page's figure, as its own export button does"));
    connect(file, &QMenu::aboutToShow, this, &MainWindow::updateExportAction);
    file->addSeparator();
    add(tr("&Quit"), QStringLiteral("quit"), QKeySequence::Quit, [this] { close(); });
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const auto& entries = m_recent->entries();
    for (int i = 0; i < entries.size(); ++i) {
        const RecentFiles::Entry entry = entries[i];
        const QString name = QFileInfo(entry.path).fileName().replace(QLatin1Char('&'), QStringLiteral("&&"));
        QAction* action = m_recentMenu->addAction(tr("&%1 %2 (%3)").arg(i + 1).arg(name, fileKindName(entry.kind)), this,
                                                  [this, entry] {
                                                      // Queued: opening rebuilds this menu, deleting the action.
                                                      QMetaObject::invokeMethod(
                                                          this, [this, entry] { openRecent(entry.path, entry.kind); },
                                                          Qt::QueuedConnection);
                                                  });
        action->setToolTip(entry.path);
        action->setStatusTip(entry.path);
        action->setData(entry.path);
    }
    if (entries.isEmpty())
        m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("&Clear"), this, [this] {
        m_recent->clear();
        rebuildRecentMenu();
    });
    clear->setObjectName(QStringLiteral("clearRecent"));
    clear->setEnabled(!entries.isEmpty());
}

void MainWindow::pruneRecent()
{
    const QStringList missing = m_recent->pruneMissing();
    if (missing.isEmpty())
        return;
    rebuildRecentMenu();
    QStringList names;
    for (const QString& path : missing)
        names << QFileInfo(path).fileName();
    statusBar()->showMessage(tr("No longer there, removed from the recent files: %1").arg(names.join(QStringLiteral(", "))),
                             kStatusMs);
}

void MainWindow::openRecent(const QString& path, FileKind kind)
{
    if (!QFileInfo::exists(path)) {
        m_recent->remove(path);
        rebuildRecentMenu();
        statusBar()->showMessage(tr("%1 no longer exists: removed from the recent files").arg(path), kStatusMs);
        return;
    }
    switch (kind) {
    case FileKind::Image: openImage(path); break;
    case FileKind::Checkpoint: openCheckpoint(path); break;
    case FileKind::Experiment: openExperiment(path); break;
    case FileKind::Unknown: break;
    }
}

void MainWindow::remember(const QString& path, FileKind kind)
{
    m_recent->add(path, kind);
    rebuildRecentMenu();
}

void MainWindow::showFileError(const QString& title, const QString& message)
{
    // open(), not exec(): the window keeps running (and tests can close the box).
    auto* box = new QMessageBox(QMessageBox::Warning, title, messageText(message), QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("fileErrorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::connectSharedState()
{
    // Writers: every page's schedule control, and the Schedule page's "Use on every page".
    connect(m_schedulePage, &SchedulePage::useSchedule, this, [this](const ScheduleChoice& choice) {
        if (m_state->setSchedule(choice))
            statusBar()->showMessage(tr("Every page now uses %1").arg(m_state->schedule().label()), kStatusMs);
    });
    connect(m_state, &StudioState::scheduleRefused, this,
            [this](const QString& message) { showFileError(tr("Schedule"), message); });
    connect(m_forwardPage, &ForwardPage::scheduleChanged, m_state, &StudioState::setSchedule);
    connect(m_trainingPage->options(), &TrainingOptions::scheduleEdited, m_state, &StudioState::setSchedule);
    connect(m_reversePage->options(), &SamplingOptions::oracleScheduleEdited, m_state, &StudioState::setSchedule);
    connect(m_state, &StudioState::scheduleChanged, this, &MainWindow::followSharedSchedule);

    // The Bound page evaluates the Forward page's image.
    connect(m_forwardPage, &ForwardPage::imageChanged, this, [this](const QString& path) {
        m_state->setImage(m_forwardPage->image(), path);
    });
    connect(m_state, &StudioState::imageChanged, this,
            [this](const QString& path) { m_boundPage->setImage(m_state->image(), path); });

    // Models: one being trained, or a checkpoint opened, is offered on the Bound page (beside
    // the zero model) and the Reverse chain page.
    connect(m_trainingPage, &TrainingPage::modelSaved, this, [this](const QString& runDir) {
        m_state->offerModel(runDir, tr("Trained: %1").arg(QFileInfo(runDir).fileName()));
    });
    connect(m_state, &StudioState::modelOffered, this, [this](const QString& spec, const QString& label) {
        m_boundPage->offerModel(spec, label);
        m_reversePage->offerModel(spec, label);
    });
}

void MainWindow::followSharedSchedule(const ScheduleChoice& choice)
{
    // The state built it, so every page can. A checkpoint carries its own schedule: only the
    // oracle's follows on the Reverse chain page.
    m_forwardPage->setSchedule(choice);
    m_boundPage->setSchedule(choice);
    m_reversePage->options()->setOracleSchedule(choice);
    if (m_trainingPage->state() == TrainingPage::State::Idle && !m_trainingPage->isBusy())
        m_trainingPage->options()->setSchedule(choice);
    else if (m_trainingPage->options()->schedule() != choice)
        statusBar()->showMessage(tr("The run in progress keeps its own schedule; the other pages use %1")
                                     .arg(choice.label()),
                                 kStatusMs);
}

bool MainWindow::openImage(const QString& path)
{
    if (!m_forwardPage->openImage(path)) // it shows why and keeps the image it had
        return false;
    remember(path, FileKind::Image);
    showPage(Forward);
    return true;
}

bool MainWindow::openCheckpoint(const QString& path)
{
    // The Reverse chain page's options load it now (core's checks) and show why they cannot.
    if (!m_reversePage->options()->setModelSpec(path))
        return false;
    const QString label = checkpointLabel(path);
    m_state->offerModel(path, label);
    remember(path, FileKind::Checkpoint);
    showPage(Reverse);
    statusBar()->showMessage(tr("Opened %1: chosen on the Reverse chain page, offered on the Bound page").arg(label),
                             kStatusMs);
    return true;
}

bool MainWindow::openExperiment(const QString& path)
{
    if (m_trainingPage->state() != TrainingPage::State::Idle || m_trainingPage->isBusy()) {
        showFileError(tr("Open experiment"), tr("A run is in progress on the Training page: stop it, then open the experiment."));
        return false;
    }
    ddpm::TrainConfig config;
    try {
        config = ddpm::readExperiment(path.toStdString());
    } catch (const ddpm::Error& e) {
        showFileError(tr("Open experiment"), QString::fromStdString(e.what()));
        return false;
    }
    TrainingOptions* options = m_trainingPage->options();
    options->setSettings({config, QString()});
    m_state->setSchedule(options->schedule()); // the experiment's schedule, on every page
    const TrainingOptions::Unshown unshown = options->unshown(config);
    QString message = tr("Opened experiment %1 on the Training page.").arg(QFileInfo(path).fileName());
    if (!unshown.kept.isEmpty())
        message += QLatin1Char(' ') + tr("Kept as in the file, no control shows: %1.").arg(unshown.kept.join(QStringLiteral(", ")));
    if (!unshown.replaced.isEmpty())
        message += QLatin1Char(' ') + tr("Not used as in the file: %1.").arg(unshown.replaced.join(QStringLiteral(", ")));
    statusBar()->showMessage(message, kStatusMs);
    remember(path, FileKind::Experiment);
    showPage(Training);
    return true;
}

bool MainWindow::saveExperiment(const QString& path)
{
    try {
        ddpm::writeExperiment(path.toStdString(), m_trainingPage->options()->settings().config);
    } catch (const ddpm::Error& e) {
        showFileError(tr("Save experiment"), QString::fromStdString(e.what()));
        return false;
    }
    remember(path, FileKind::Experiment);
    statusBar()->showMessage(tr("Saved the Training page's settings to %1").arg(QFileInfo(path).fileName()), kStatusMs);
    return true;
}

bool MainWindow::openFile(const QString& path)
{
    switch (fileKind(path)) {
    case FileKind::Image: return openImage(path);
    case FileKind::Checkpoint: return openCheckpoint(path);
    case FileKind::Experiment: return openExperiment(path);
    case FileKind::Unknown: break;
    }
    statusBar()->showMessage(tr("%1 is not an image, a checkpoint, a run folder or an experiment (.json)")
                                 .arg(QFileInfo(path).fileName()),
                             kStatusMs);
    return false;
}

bool MainWindow::canExport() const
{
    switch (currentPage()) {
    case Schedule: return true;
    case Forward: return !m_forwardPage->x0Image().isNull();
    case Bound: return m_boundPage->hasResult();
    case Training: return m_trainingPage->plots()->pointCount() > 0;
    case Reverse: return m_reversePage->hasChain();
    }
    return false;
}

void MainWindow::updateExportAction()
{
    if (m_exportAction)
        m_exportAction->setEnabled(canExport());
}

void MainWindow::exportCurrentPage()
{
    if (!canExport()) {
        statusBar()->showMessage(tr("Nothing to export on this page yet"), kStatusMs);
        return;
    }
    switch (currentPage()) {
    case Schedule: m_schedulePage->askExportPlot(); break;
    case Forward: m_forwardPage->exportView(); break;
    case Bound: m_boundPage->exportPngAsk(); break;
    case Training: m_trainingPage->exportPngAsk(); break;
    case Reverse: m_reversePage->exportViewAsk(); break;
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QString path = firstLocalPath(event->mimeData());
    if (path.isEmpty())
        return;
    if (fileKind(path) != FileKind::Unknown)
        event->acceptProposedAction();
    else
        statusBar()->showMessage(tr("%1: only images, checkpoints, run folders and experiments (.json) open here")
                                     .arg(QFileInfo(path).fileName()),
                                 kStatusMs);
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QString path = firstLocalPath(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    // Open after the drop finishes, so that a message box does not run inside the drag loop.
    QMetaObject::invokeMethod(this, [this, path] { openFile(path); }, Qt::QueuedConnection);
}

GuideDialog* MainWindow::showUserGuide()
{
    if (!m_guide)
        m_guide = new GuideDialog(this);
    m_guide->show();
    m_guide->raise();
    m_guide->activateWindow();
    return m_guide;
}

void MainWindow::showAbout()
{
    openAboutBox(this, m_budget.get());
}

void MainWindow::setPresentationMode(bool on)
{
    if (on != m_presentation) {
        if (on) {
            m_normalFont = QApplication::font();
            m_normalSize = size(); // what F5 off comes back to
            QApplication::setFont(scaledFont(m_normalFont, kPresentationScale));
        } else {
            QApplication::setFont(m_normalFont);
        }
        m_presentation = on;
        // The font reaches widgets and layouts by posted events: fit the window after them.
        QTimer::singleShot(0, this, &MainWindow::fitWindowToMode);
        // Saved at once, as the thread setting is.
        QSettings settings;
        settings.setValue(kPresentationKey, on);
        settings.sync();
    }
    const QSignalBlocker block(m_presentationAction);
    m_presentationAction->setChecked(on);
}

void MainWindow::fitWindowToMode()
{
    if (layout() != nullptr)
        layout()->activate(); // the minimum size of the font now in use
    const bool sized = windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen);
    if (!sized) {
        if (m_presentation) {
            // The room the pages need beyond what they have: the window grows by it, as it would
            // without the page scroll area, but only as far as the screen (keepOnScreen).
            QSize more = m_pages->minimumSizeHint() - m_pageScroll->viewport()->size();
            // With room for the vertical scroll bar too, shown or not: a page that still scrolls
            // down (its lesson open on a small screen) must not scroll sideways as well.
            const QScrollBar* bar = m_pageScroll->verticalScrollBar();
            if (!bar->isVisible())
                more.rwidth() += bar->sizeHint().width();
            resize(size() + more.expandedTo(QSize(0, 0)));
        } else if (m_normalSize.isValid()) {
            resize(m_normalSize);
        }
    }
    keepOnScreen();
}

void MainWindow::keepOnScreen()
{
    if (screen() == nullptr || (windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen)))
        return;
    const QRect room = screen()->availableGeometry();
    const QSize frame = frameGeometry().size() - size(); // the window manager's decoration
    if (frameGeometry().width() > room.width() || frameGeometry().height() > room.height())
        resize(size().boundedTo(room.size() - frame));
    // Then inside the screen: its right and bottom edges first, so its title bar stays reachable.
    QRect placed = frameGeometry();
    placed.moveRight(std::min(placed.right(), room.right()));
    placed.moveBottom(std::min(placed.bottom(), room.bottom()));
    placed.moveLeft(std::max(placed.left(), room.left()));
    placed.moveTop(std::max(placed.top(), room.top()));
    if (placed.topLeft() != frameGeometry().topLeft())
        move(placed.topLeft());
}

void MainWindow::fitPageList()
{
    m_pageList->setFixedWidth(m_pageList->sizeHintForColumn(0) + 36);
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitPageList(); // the page titles take more room in presentation mode
}

void MainWindow::chooseThreadCount()
{
    auto* dialog = new ThreadDialog(m_threadSetting, m_budget->total(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setThreadSetting(dialog->choice()); });
    dialog->open();
}

void MainWindow::setThreadSetting(int threads)
{
    m_threadSetting = std::clamp(threads, 0, ThreadDialog::kMaxThreads);
    applyThreadSetting();
    // Saved at once (not only on close), so a crash or a kill keeps the choice too.
    QSettings settings;
    settings.setValue(kThreadsKey, m_threadSetting);
    settings.sync();
    updateStatus();
}

void MainWindow::applyThreadSetting()
{
    try {
        ddpm::setThreadCount(m_threadSetting > 0 ? m_threadSetting : ddpm::probeThreadCount());
    } catch (const ddpm::Error&) {
        ddpm::setThreadCount(1);
    }
    // This thread's count (and the default of threads that have not run torch yet); the
    // workers set their own from the budget when a job starts.
    m_budget->setTotal(ddpm::threadCount());
}

void MainWindow::updateStatus()
{
    const QString how = m_threadSetting > 0 ? tr("fixed") : tr("automatic");
    QString text = tr("%1 (%2)").arg(QString::fromStdString(ddpm::runtimeDescription(ddpm::pickDevice("auto"))), how);
    const QString split = threadSplitText(*m_budget);
    if (!split.isEmpty())
        text += QStringLiteral(" \u00b7 ") + split;
    m_runtimeLabel->setText(text);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    m_threadSetting = std::clamp(settings.value(kThreadsKey, 0).toInt(), 0, ThreadDialog::kMaxThreads);
    applyThreadSetting();
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_schedulePage->restoreSettings(settings);
    m_forwardPage->restoreSettings(settings);
    m_boundPage->restoreSettings(settings);
    m_trainingPage->restoreSettings(settings);
    m_reversePage->restoreSettings(settings);
    setPresentationMode(settings.value(kPresentationKey, false).toBool());
    // A first start opens on the Forward page: the bundled image, noised, is the app's welcome.
    const int page = settings.value(QStringLiteral("window/page"), int(Forward)).toInt();
    showPage(Page(std::clamp(page, 0, m_pages->count() - 1)));
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(screen() ? QSize(1280, 820).boundedTo(screen()->availableGeometry().size()) : QSize(1280, 820));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/page"), m_pages->currentIndex());
    settings.setValue(kThreadsKey, m_threadSetting);
    m_schedulePage->saveSettings(settings);
    m_forwardPage->saveSettings(settings);
    m_boundPage->saveSettings(settings);
    m_trainingPage->saveSettings(settings);
    m_reversePage->saveSettings(settings);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    event->accept();
}

} // namespace ddpm::ui
