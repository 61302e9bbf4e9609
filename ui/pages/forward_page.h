// Forward process page: an image noised at t, closed form, Markov chain or both side by side
// (compare), strip and histogram, under its lesson panel. Play moves t up to T; Space plays or
// pauses and Left/Right step t wherever the focus is on the page but in a text field
// (widgets/playback_keys.h).
//
// The page ties its controls (widgets/forward_controls.h) to its view (widgets/forward_view.h):
// a ForwardWorker on its own thread computes every frame, so moving the t slider never
// blocks the GUI. It also owns the image, the schedule and their settings.
#pragma once

#include <functional>
#include <memory>

#include <QImage>
#include <QThread>
#include <QWidget>

#include "ddpm/image.h"
#include "schedule_choice.h"
#include "workers/forward_worker.h"

class QLabel;
class QSettings;

namespace ddpm {
class NoiseSchedule;
}

namespace ddpm::ui {

class ForwardControls;
class ForwardView;
class LessonPanel;
class SliderPlayer;

class ForwardPage : public QWidget {
    Q_OBJECT
public:
    /// The bundled default image.
    static const QString kDefaultImage;

    /// budget: the torch threads its worker shares with the other pages' (null: one of its own).
    explicit ForwardPage(QWidget* parent = nullptr, std::shared_ptr<ddpm::ThreadBudget> budget = nullptr);
    ~ForwardPage() override;

    /// Opens an image file. On failure shows a dialog (unless quiet) and keeps the current image.
    /// Returns whether the image was opened.
    bool openImage(const QString& path, bool quiet = false);
    /// The loaded image at full resolution, and its file path (":/images/chelsea.png" for the default).
    const ddpm::Image& image() const;
    QString imagePath() const;

    ScheduleChoice schedule() const;
    /// Applies a schedule; a bad one is reported (see setErrorHandler) and the current one kept.
    void setSchedule(const ScheduleChoice& choice);

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

    // Controls, for scripting and tests.
    int t() const;
    void setT(int t);
    quint64 seed() const;
    void setSeed(quint64 seed);
    ForwardMode mode() const;
    void setMode(ForwardMode mode);
    /// N for an N x N centre crop, or 0 for the original size.
    int resolution() const;
    void setResolution(int resolution);
    static QList<int> resolutions();
    /// Play over t (its button and speed sit beside the t slider).
    SliderPlayer* player() const;

    // What is shown (the last rendered frame).
    QImage x0Image() const;
    QImage noiseImage() const;
    QImage xtImage() const;
    /// Compare mode: x_t by the Markov chain (xtImage() is then the closed form's); null otherwise.
    QImage xtChainImage() const;
    QList<QImage> stripImages() const;
    /// Statistics and histogram of the last frame.
    const ForwardResult& frame() const { return m_frame; }
    /// True while the frame for the current controls is still being computed.
    bool isRendering() const;

    /// Replaces how errors are shown (default: a warning dialog). Used by tests.
    void setErrorHandler(std::function<void(const QString&)> handler);
    /// The last error message reported (also for quiet failures).
    QString lastError() const { return m_lastError; }

    /// The widget holding everything the export button saves.
    QWidget* viewArea() const;
    /// The settings line of an exported figure: image and resolution, schedule and T, t, seed, mode.
    QString figureCaption() const;
    /// Writes the view as PNG with figureCaption() under it and as its PNG text; false on failure.
    bool exportPng(const QString& path);
    /// Asks where to save the view, then exportPng (the page's export button, File › Export).
    void exportView();

Q_SIGNALS:
    /// A new image was opened (path as imagePath()).
    void imageChanged(const QString& path);
    /// The user picked another schedule on this page.
    void scheduleChanged(const ddpm::ui::ScheduleChoice& choice);
    /// The frame for the current controls is fully shown (x_t, strip, histogram).
    void frameReady();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    /// Leaving the page pauses Play: nothing is computed for a page nobody sees.
    void hideEvent(QHideEvent* event) override;

private:
    void buildUi();
    void browseImage();
    void onScheduleChosen(const ScheduleChoice& choice);
    bool applySchedule(const ScheduleChoice& choice, bool quiet);
    void onResult(const ddpm::ui::ForwardResult& result);
    void onProgress(quint64 id, int done, int total);
    void requestFrame();
    void updateScheduleReadout();
    void reportError(const QString& message, bool quiet);

    // State.
    std::shared_ptr<const ddpm::Image> m_image;
    QString m_imagePath;
    ScheduleChoice m_choice;
    std::shared_ptr<const ddpm::NoiseSchedule> m_schedule;
    quint64 m_requestId = 0;
    ForwardResult m_frame;
    quint64 m_shownId = 0;
    bool m_shownComplete = false;
    std::function<void(const QString&)> m_errorHandler;
    QString m_lastError;

    // Worker.
    QThread m_thread;
    ForwardWorker* m_worker = nullptr;

    // Widgets.
    LessonPanel* m_lesson = nullptr;
    ForwardControls* m_controls = nullptr;
    ForwardView* m_view = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace ddpm::ui
