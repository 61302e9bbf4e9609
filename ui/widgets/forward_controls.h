// The Forward page's controls: open an image (with what is loaded), the schedule, export;
// the resolution, the seed and the mode (closed form, Markov chain or compare); and the
// t slider with Play over t (a SliderPlayer), alpha_bar_t and the SNR at t. They hold values
// and emit signals; the page decides what to compute.
#pragma once

#include <QList>
#include <QWidget>

#include "jobs/forward_job.h"
#include "schedule_choice.h"

class QButtonGroup;
class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSlider;
class QSpinBox;

namespace ddpm::ui {

class ElidedLabel;
class ScheduleSelector;
class SliderPlayer;

class ForwardControls : public QWidget {
    Q_OBJECT
public:
    /// The resolutions offered: N for an N x N centre crop, 0 for the original size.
    static QList<int> resolutions();

    explicit ForwardControls(QWidget* parent = nullptr);

    /// Diffusion step t on the slider (1..steps).
    int t() const;
    void setT(int t);
    /// Sets the range of t to 1..steps and t itself, without emitting tChanged.
    void setSteps(int steps, int t);
    quint64 seed() const;
    /// Clamped to what the seed box holds.
    void setSeed(quint64 seed);
    ForwardMode mode() const;
    void setMode(ForwardMode mode);
    /// N for an N x N centre crop, or 0 for the original size.
    int resolution() const;
    /// A resolution not in resolutions() is ignored.
    void setResolution(int resolution);
    /// Shows a schedule in the selector without emitting scheduleChosen.
    void setChoice(const ScheduleChoice& choice);
    /// The line describing the loaded image, and its tooltip (the path).
    void setImageInfo(const QString& text, const QString& toolTip);
    /// The readout beside the slider: alpha_bar_t and SNR = alpha_bar_t / (1 - alpha_bar_t) (may be inf).
    void setScheduleValues(double alphaBar, double snr);
    /// Play over t: moves the t slider (tChanged follows) up to T.
    SliderPlayer* player() const { return m_player; }

Q_SIGNALS:
    void openRequested();
    void exportRequested();
    /// The user picked another schedule.
    void scheduleChosen(const ddpm::ui::ScheduleChoice& choice);
    /// t moved (slider or spin box).
    void tChanged(int t);
    /// The resolution, the seed or the mode changed.
    void frameSettingsChanged();

private:
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
    SliderPlayer* m_player = nullptr;
    QLabel* m_scheduleReadout = nullptr;
    ElidedLabel* m_imageInfo = nullptr;
    QPushButton* m_exportButton = nullptr;
};

} // namespace ddpm::ui
