// The main window: a page list on the left, one page per job, a status bar with the torch
// thread count and device (and, while training runs, how the threads are split between
// training and the other pages: one ThreadBudget, shared with every page's worker), and
// settings that persist across runs (QSettings). The File menu opens images (Forward page),
// checkpoints and run folders (Reverse chain and Bound pages) and experiments (Training
// page), saves experiments, lists recent files and exports the current page's figure; files
// dropped on the window open the same way. The View menu holds presentation mode; the Help
// menu the user guide and the About box.
#pragma once

#include <QFont>
#include <QMainWindow>

#include <memory>

#include "file_kind.h"
#include "studio_state.h"

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

class SchedulePage;
class ForwardPage;
class BoundPage;
class TrainingPage;
class ReversePage;
class GuideDialog;
class PageArea;
class RecentFiles;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { Schedule, Forward, Bound, Training, Reverse };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void showPage(Page page);
    Page currentPage() const;

    SchedulePage* schedulePage() const { return m_schedulePage; }
    ForwardPage* forwardPage() const { return m_forwardPage; }
    BoundPage* boundPage() const { return m_boundPage; }
    TrainingPage* trainingPage() const { return m_trainingPage; }
    ReversePage* reversePage() const { return m_reversePage; }

    /// The thread setting: 0 for automatic (a timed probe at every start), N >= 1 for N threads.
    int threadSetting() const { return m_threadSetting; }
    /// The torch threads every page's worker shares (total: the thread setting's count).
    const ddpm::ThreadBudget& threadBudget() const { return *m_budget; }
    /// Applies the thread setting to torch and saves it (QSettings "runtime/threads") at once.
    void setThreadSetting(int threads);

    /// How much larger presentation mode makes the application font (and so every widget's
    /// and plot's text, and plot lines with it: widgets/plot_style.h).
    static constexpr double kPresentationScale = 1.6;
    bool presentationMode() const { return m_presentation; }
    /// Presentation mode on or off (View › Presentation mode, F5): the application font
    /// kPresentationScale times larger, or back to what it was. Remembered (QSettings
    /// "view/presentation"), saved at once. The window stays within the screen's available
    /// geometry (pages scroll when they need more), and comes back to the size it had before.
    void setPresentationMode(bool on);
    QAction* presentationAction() const { return m_presentationAction; }

    /// Help › User guide: shows the guide window (one per main window), or raises it.
    GuideDialog* showUserGuide();
    /// Help › About: opens the About box.
    void showAbout();

    // File menu. Each open or save shows a failure in a dialog (core's message) and changes
    // nothing; a success goes to the front of File › Recent and shows the page it fed.
    /// Open image (Ctrl+O): the Forward page's image (and so the Bound page's).
    bool openImage(const QString& path);
    /// Open checkpoint: a .ckpt file or a run folder (its newest checkpoint that verifies),
    /// chosen on the Reverse chain page and offered on the Bound page.
    bool openCheckpoint(const QString& path);
    /// Open experiment (Ctrl+Shift+O): an experiment file or a run's config.json
    /// (experiment.h) shown in the Training page's controls; settings the page has no
    /// control for, or cannot show as they are, are named in the status bar.
    bool openExperiment(const QString& path);
    /// Save experiment (Ctrl+S): the Training page's settings as an experiment file, what
    /// `ddpm train --config FILE` reads.
    bool saveExperiment(const QString& path);
    /// Opens path as fileKind(path) says (a drop, a recent file); any other file: a status
    /// bar message and false.
    bool openFile(const QString& path);
    /// Whether the current page has a figure to export (File › Export is enabled then).
    bool canExport() const;
    /// File › Export (Ctrl+E): the current page's figure, asking where (the page's own export).
    void exportCurrentPage();
    RecentFiles& recentFiles() const { return *m_recent; }
    /// The image, schedule and models the pages share (studio_state.h).
    StudioState& state() const { return *m_state; }
    QMenu* recentMenu() const { return m_recentMenu; }
    QAction* exportAction() const { return m_exportAction; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;
    /// Accepts a drag of local files when the first is an image, a checkpoint, a run folder
    /// or an experiment.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    void connectSharedState();
    /// Shows the shared schedule on every page that uses one (a running training keeps its own).
    void followSharedSchedule(const ScheduleChoice& choice);
    void chooseThreadCount();
    void applyThreadSetting();
    void updateStatus();
    void restoreSettings();
    void saveSettings() const;
    void fitPageList();
    /// After presentation mode's font has been applied: back to the size before it (on the way
    /// out), and within the screen either way.
    void fitWindowToMode();
    /// Shrinks and moves the window into its screen's available geometry where it is outside.
    void keepOnScreen();
    void buildFileMenu();
    void rebuildRecentMenu();
    void openRecent(const QString& path, FileKind kind);
    void pruneRecent();
    void remember(const QString& path, FileKind kind);
    void updateExportAction();
    void showFileError(const QString& title, const QString& message);

    QListWidget* m_pageList = nullptr;
    QStackedWidget* m_pages = nullptr;
    PageArea* m_pageScroll = nullptr; // around m_pages: a page too large for the screen scrolls
    SchedulePage* m_schedulePage = nullptr;
    ForwardPage* m_forwardPage = nullptr;
    BoundPage* m_boundPage = nullptr;
    TrainingPage* m_trainingPage = nullptr;
    ReversePage* m_reversePage = nullptr;
    QLabel* m_runtimeLabel = nullptr;
    QAction* m_presentationAction = nullptr;
    GuideDialog* m_guide = nullptr;
    std::unique_ptr<RecentFiles> m_recent;
    StudioState* m_state = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_exportAction = nullptr;
    int m_threadSetting = 0;
    std::shared_ptr<ddpm::ThreadBudget> m_budget; // shared with the pages' workers
    bool m_presentation = false;
    QFont m_normalFont; // the application font before presentation mode
    QSize m_normalSize; // the window's size before presentation mode
};

} // namespace ddpm::ui
