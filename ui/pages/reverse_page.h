// Reverse chain page: samples from a model (the one trained on the Training page, a
// checkpoint or run folder, or an oracle) with DDPM or DDIM in a worker thread, and lets the
// user scrub over the recorded chain t = T..0: for the selected sample x_t, the predicted
// x_0 and the predicted noise side by side, the whole batch at that t, and two charts over
// the chain; for 2-D models the particles over the data with the predicted noise as arrows.
// Frames appear while the chain is computed. Exports a PNG strip of chosen steps, the view
// as PNG, and the chain as an animation (GIF, MP4, WebM). Demonstrations, one click each on
// the current model and settings, fill the "Demonstrations" tab (DemoView): the same x_T
// through two sampler settings side by side (moved by the scrubber, by fraction of the
// chain) and the paper's Figs. 5-8 (DemoWorker on the same thread; Fig. 6 from the frames).
//
// Composes SamplingOptions (the settings column), ChainScrubber, ImageViews, ParticleView,
// ChainPlots and DemoView, all in widgets/. This file keeps the workers and their jobs in
// flight, the recorded frames, what is shown, export and settings.
#pragma once

#include <QImage>
#include <QVector>
#include <QWidget>

#include <atomic>
#include <memory>

#include "jobs/demo_job.h"
#include "workers/sampling_worker.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSettings;
class QSpinBox;
class QStackedWidget;
class QTabWidget;
class QThread;

namespace ddpm::ui {

class ChainPlots;
class ChainScrubber;
class DemoView;
class DemoWorker;
class ImageView;
class ParticleView;
class SamplingOptions;

class ReversePage : public QWidget {
    Q_OBJECT
public:
    /// budget: the torch threads its worker shares with the other pages' (null: one of its own).
    explicit ReversePage(QWidget* parent = nullptr, std::shared_ptr<ddpm::ThreadBudget> budget = nullptr);
    /// Stops a running chain and joins the worker's thread.
    ~ReversePage() override;

    SamplingOptions* options() const { return m_options; }
    ChainScrubber* scrubber() const { return m_scrubber; }
    ParticleView* particleView() const { return m_particles; }
    ChainPlots* plots() const { return m_plots; }
    DemoView* demoView() const { return m_demo; }

    /// Offers a trained model (a run folder) among the model choices without choosing it.
    void offerModel(const QString& spec, const QString& label);

    bool isRunning() const { return m_runningId != 0; }
    /// Whether a chain (complete or not) is recorded and shown.
    bool hasChain() const { return !m_frames.isEmpty(); }
    /// Whether the recorded chain ran to the final sample.
    bool chainComplete() const { return m_complete; }
    const ChainInfo& chainInfo() const { return m_info; }
    /// Frames stored (every step, or every stride-th under the memory bound, and the final sample).
    int frameCount() const { return static_cast<int>(m_frames.size()); }
    /// The scrubber position shown (-1 for none). Positions are the stored frames while the
    /// chain runs; once it is complete, every step K..0 (steps between stored frames are
    /// recomputed by the worker).
    int shownIndex() const { return m_shownIndex; }
    /// The frame on screen (for a step being recomputed, the nearest stored one until it arrives).
    const ChainFrame& shownFrame() const { return m_shown; }
    /// Whether the frame on screen is the scrubber's step (false while it is recomputed).
    bool shownFrameExact() const { return m_shownExact; }
    /// Bytes the stored frames of the next chain may take (0: a quarter of the free memory).
    void setFrameBudget(qint64 bytes) { m_frameBudget = bytes; }
    /// The selected sample of the batch.
    int selectedItem() const;
    void setSelectedItem(int item);

    // What is shown, for images (null before the first frame or for 2-D models).
    QImage xtImage() const;
    QImage x0Image() const;
    QImage epsImage() const;
    QImage gridImage() const;

    /// The settings line of an exported figure (empty without a chain).
    QString figureCaption() const;
    /// Writes a strip of the selected sample at chosen steps (x_t above the predicted x_0) as
    /// PNG without asking; ts: original timesteps (the nearest stored ones are taken), empty for
    /// eight evenly spaced. False without a chain or when writing failed (a dialog says why).
    bool exportStripPng(const QString& path, const QVector<int>& ts = {});
    /// Writes the view (scrubber, pictures, charts) as PNG without asking.
    bool exportViewPng(const QString& path);
    /// Asks where to save the view, then exportViewPng (File › Export).
    void exportViewAsk();
    /// Composes the animation's frames and hands them to the worker to write (GIF, MP4 or
    /// WebM by the extension); animationExported or animationFailed follows. False without a chain.
    bool exportAnimation(const QString& path);

    /// Which choice "Side by side" flips.
    void setComparison(Comparison comparison);
    Comparison comparison() const;
    bool isDemoRunning() const { return m_demoRunningId != 0; }
    /// Fig. 6 from the recorded chain, shown at once; false (with a message) without a chain
    /// of images.
    bool showProgressive();

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

public Q_SLOTS:
    /// Samples a chain with the current settings (cancelling one that runs).
    void run();
    /// Asks the running chain and demonstration to stop; runCancelled or demoCancelled follows
    /// (the frames so far and the last demonstration stay).
    void cancel();
    /// Starts a demonstration on the current settings in the worker thread (one that runs is
    /// superseded); Progressive is drawn at once. demoFinished, demoFailed or demoCancelled follows.
    void runDemo(ddpm::ui::DemoKind kind);

Q_SIGNALS:
    void runStarted();
    void runProgress(int done, int total);
    void runFinished();
    void runFailed(const QString& message);
    void runCancelled();
    /// A frame was drawn (index into the stored frames).
    void frameShown(int index);
    /// A step between stored frames was recomputed and is now on screen.
    void frameRecomputed(int step);
    void animationExported(const QString& path);
    void animationFailed(const QString& message);
    void demoFinished();
    void demoFailed(const QString& message);
    void demoCancelled();

private:
    QWidget* buildControls();
    QWidget* buildResults();
    QWidget* buildImagePanel();
    QWidget* buildDemoControls(QWidget* parent);
    void onDemoProgress(quint64 id, int done, int total);
    void onDemoFinished(const DemoResult& result);
    void endDemo(const QString& progressText);
    QPushButton* addButton(const QString& objectName, const QString& text, const QString& toolTip, void (ReversePage::*slot)());
    void onStarted(const ChainInfo& info);
    void onUpdate(const ChainUpdate& update);
    void onFinished(quint64 id, double seconds);
    void onFailed(quint64 id, const QString& message);
    void onCancelled(quint64 id);
    void endRun(const QString& progressText, bool done);
    void setRunning(bool running);
    void showIndex(int index);
    void redrawImages();
    void updateSummary();
    void showError(const QString& title, const QString& message);
    QVector<int> stripIndices(const QVector<int>& ts) const;
    /// Index into m_frames of chain step k, or -1 when it is not stored.
    int storedIndexOf(int step) const;
    void spreadScrubberOverEveryStep();
    void requestRecompute(int step);
    void onFrameRecomputed(quint64 id, const ChainFrame& frame);
    void onRecomputeFailed(quint64 id, int step, const QString& message);
    QVector<int> parsedStripTs() const;
    void exportStripAsk();
    void exportAnimationAsk();

    // the worker and the job in flight
    QThread* m_thread = nullptr;
    SamplingWorker* m_worker = nullptr;
    quint64 m_nextId = 1;
    quint64 m_runningId = 0;
    std::shared_ptr<std::atomic<bool>> m_stop;
    DemoWorker* m_demoWorker = nullptr;
    quint64 m_demoRunningId = 0;
    DemoKind m_demoKind = DemoKind::SideBySide;
    std::shared_ptr<std::atomic<bool>> m_demoStop;

    // the recorded chain
    ChainInfo m_info;
    QVector<ChainFrame> m_frames;
    bool m_complete = false;
    double m_seconds = 0;
    int m_shownIndex = -1;
    ChainFrame m_shown;
    bool m_shownExact = false;
    qint64 m_frameBudget = 0;
    // Recomputation of steps between stored frames: one request in flight, the newest wish next.
    bool m_recomputing = false;
    int m_wantedStep = -1;

    // controls
    SamplingOptions* m_options = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLineEdit* m_stripTs = nullptr;
    QPushButton* m_exportStrip = nullptr;
    QPushButton* m_exportView = nullptr;
    QPushButton* m_exportAnimation = nullptr;
    QComboBox* m_comparison = nullptr;

    // results
    QWidget* m_results = nullptr;
    QLabel* m_summary = nullptr;
    ChainScrubber* m_scrubber = nullptr;
    QSpinBox* m_sample = nullptr;
    QComboBox* m_gridPart = nullptr;
    QLabel* m_gridLabel = nullptr;
    QStackedWidget* m_stack = nullptr;
    ImageView* m_xtView = nullptr;
    ImageView* m_x0View = nullptr;
    ImageView* m_epsView = nullptr;
    ImageView* m_gridView = nullptr;
    ParticleView* m_particles = nullptr;
    ChainPlots* m_plots = nullptr;
    QTabWidget* m_tabs = nullptr;
    DemoView* m_demo = nullptr;
};

} // namespace ddpm::ui
