#include "main_window.h"

#include <algorithm>

#include <QFileInfo>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QThread>

#include "ddpm/error.h"
#include "ddpm/runtime.h"
#include "pages/bound_page.h"
#include "pages/forward_page.h"
#include "pages/reverse_page.h"
#include "pages/schedule_page.h"
#include "pages/training_page.h"
#include "thread_dialog.h"

namespace ddpm::ui {

namespace {
/// 0: automatic (probe at every start); N >= 1: N threads.
const QString kThreadsKey = QStringLiteral("runtime/threads");
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("DDPM Studio"));

    m_schedulePage = new SchedulePage(this);
    m_forwardPage = new ForwardPage(this);
    m_boundPage = new BoundPage(this);
    m_trainingPage = new TrainingPage(this);
    m_reversePage = new ReversePage(this);

    m_pages = new QStackedWidget(this);
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
    m_pageList->setFixedWidth(m_pageList->sizeHintForColumn(0) + 36);
    m_pageList->setSpacing(4);
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_pageList);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    // The Bound page evaluates the Forward page's image under the Forward page's schedule.
    connect(m_forwardPage, &ForwardPage::imageChanged, this, [this](const QString& path) {
        m_boundPage->setImage(m_forwardPage->image(), path);
    });
    connect(m_forwardPage, &ForwardPage::scheduleChanged, m_boundPage, &BoundPage::setSchedule);
    // A model being trained is offered on the Bound page (beside the zero model) and the Reverse chain page.
    connect(m_trainingPage, &TrainingPage::modelSaved, this, [this](const QString& runDir) {
        const QString label = tr("Trained: %1").arg(QFileInfo(runDir).fileName());
        m_boundPage->offerModel(runDir, label);
        m_reversePage->offerModel(runDir, label);
    });

    m_runtimeLabel = new QLabel(this);
    m_runtimeLabel->setToolTip(tr("Where torch computes and how many threads one operation uses.\n"
                                  "Automatic (a short timed probe at every start) or fixed: Settings › Compute threads."));
    statusBar()->addPermanentWidget(m_runtimeLabel);

    buildMenus();
    restoreSettings();
    m_boundPage->setImage(m_forwardPage->image(), m_forwardPage->imagePath());
    m_boundPage->setSchedule(m_forwardPage->schedule());
    updateStatus();
}

MainWindow::~MainWindow() = default;

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
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open image…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open image"), QString(),
            tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.pgm *.ppm);;All files (*)"));
        if (!path.isEmpty() && m_forwardPage->openImage(path))
            showPage(Forward);
    });
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pageList->count(); ++i) {
        QAction* action = view->addAction(m_pageList->item(i)->text(), this, [this, i] { showPage(Page(i)); });
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("Compute &threads…"), this, &MainWindow::chooseThreadCount);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DDPM Studio"), this, [this] {
        QMessageBox::about(this, tr("About DDPM Studio"),
                           tr("<h3>DDPM Studio %1</h3>"
                              "<p>See, teach and experiment with denoising diffusion probabilistic "
                              "models (Ho, Jain and Abbeel, 2020).</p>"
                              "<p>Free software under the GNU GPL, version 3 or later. "
                              "Plots by QCustomPlot (GPL-3.0); tensors by LibTorch; images by OpenCV.</p>"
                              "<p>Default image: Chelsea the cat, CC0, Stefan van der Walt.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::chooseThreadCount()
{
    auto* dialog = new ThreadDialog(m_threadSetting, ddpm::threadCount(), this);
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
}

void MainWindow::updateStatus()
{
    const QString how = m_threadSetting > 0 ? tr("fixed") : tr("automatic");
    m_runtimeLabel->setText(tr("%1 (%2)").arg(QString::fromStdString(ddpm::runtimeDescription(ddpm::pickDevice("auto"))), how));
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
    // A first start opens on the Forward page: the bundled image, noised, is the app's welcome.
    const int page = settings.value(QStringLiteral("window/page"), int(Forward)).toInt();
    showPage(Page(std::clamp(page, 0, m_pages->count() - 1)));
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1280, 820);
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
