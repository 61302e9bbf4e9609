// Forward process page: an image noised at t, closed form, Markov chain or both side by side
// (compare), strip and histogram.
//
// The page holds the controls and the view; a ForwardWorker on its own thread computes
// every frame, so moving the t slider never blocks the GUI.
#pragma once

#include <functional>
#include <memory>

#include <QImage>
#include <QThread>
#include <QWidget>

#include "ddpm/image.h"
#include "schedule_choice.h"
#include "workers/forward_worker.h"

class QButtonGroup;
class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSettings;
class QSlider;
class QSpinBox;

namespace ddpm {
class NoiseSchedule;
}

namespace ddpm::ui {

class HistogramPlot;
class ImageView;
class ScheduleSelector;

class ForwardPage : public QWidget {
    Q_OBJECT
public:
    /// The bundled default image.
    static const QString kDefaultImage;

    explicit ForwardPage(QWidget* parent = nullptr);
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
    QWidget* viewArea() const { return m_view; }

Q_SIGNALS:
    /// A new image was opened (path as imagePath()).
    void imageChanged(const QString& path);
    /// The user picked another schedule on this page.
    void scheduleChanged(const ddpm::ui::ScheduleChoice& choice);
    /// The frame for the current controls is fully shown (x_t, strip, histogram).
    void frameReady();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildUi();
    void browseImage();
    void exportView();
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

    // Controls.
    QPushButton* m_openButton = nullptr;
    ScheduleSelector* m_selector = nullptr;
    QComboBox* m_resolution = nullptr;
    QSpinBox* m_seed = nullptr;
    QRadioButton* m_closedForm = nullptr;
    QRadioButton* m_chain = nullptr;
    QRadioButton* m_compare = nullptr;
    QButtonGroup* m_modeGroup = nullptr;
    QSlider* m_slider = nullptr;
    QSpinBox* m_tSpin = nullptr;
    QLabel* m_scheduleReadout = nullptr;
    QLabel* m_imageInfo = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_exportButton = nullptr;

    // View.
    QWidget* m_view = nullptr;
    ImageView* m_x0View = nullptr;
    ImageView* m_noiseView = nullptr;
    ImageView* m_xtView = nullptr;
    ImageView* m_xtChainView = nullptr; ///< shown in compare mode only
    QLabel* m_stripTitle = nullptr;
    QList<ImageView*> m_stripViews;
    HistogramPlot* m_histogram = nullptr;
    QLabel* m_stats = nullptr;
};

} // namespace ddpm::ui
