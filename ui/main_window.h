// The main window: a page list on the left, one page per job, a status bar with the
// torch thread count and device, and settings that persist across runs (QSettings).
#pragma once

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace ddpm::ui {

class SchedulePage;
class ForwardPage;
class BoundPage;
class TrainingPage;
class ReversePage;

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
    /// Applies the thread setting to torch and saves it (QSettings "runtime/threads") at once.
    void setThreadSetting(int threads);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void chooseThreadCount();
    void applyThreadSetting();
    void updateStatus();
    void restoreSettings();
    void saveSettings() const;

    QListWidget* m_pageList = nullptr;
    QStackedWidget* m_pages = nullptr;
    SchedulePage* m_schedulePage = nullptr;
    ForwardPage* m_forwardPage = nullptr;
    BoundPage* m_boundPage = nullptr;
    TrainingPage* m_trainingPage = nullptr;
    ReversePage* m_reversePage = nullptr;
    QLabel* m_runtimeLabel = nullptr;
    int m_threadSetting = 0;
};

} // namespace ddpm::ui
