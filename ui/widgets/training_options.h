// The Training page's settings column: the data (Fashion-MNIST, an image folder or a 2-D toy
// set), the model preset, the diffusion (schedule, T, prediction, variance), the loss and how
// t is drawn, the optimiser (batch, learning rate, warm-up, gradient clipping, EMA decay), the
// seed, the length of the run, the previews and the run folder. Loss choices that cannot train
// the chosen parameterisation are disabled with core's reason (ddpm::checkLossFits). While a
// run is paused only Steps stays editable (its total); the rest defines the run.
#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

#include "jobs/training_job.h"
#include "schedule_choice.h"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;

namespace ddpm::ui {

class TrainingOptions : public QWidget {
    Q_OBJECT
public:
    explicit TrainingOptions(QWidget* parent = nullptr);

    /// What the user may change.
    enum class Editable {
        All,            ///< no run: every setting
        TotalStepsOnly, ///< a paused run: Steps, its total (more than the steps done), and nothing else
        Nothing,        ///< a run that trains, or a command in flight
    };
    /// With TotalStepsOnly, Steps cannot go below stepsDone + 1 (nor below the total shown, when
    /// the run has reached it: opened at its last step).
    void setEditable(Editable editable, long long stepsDone = 0);
    Editable editable() const { return m_editable; }

    /// The settings as the controls hold them (0 for batch and lr: the trainer's default).
    TrainingSettings settings() const;
    /// Shows settings in the controls (a resumed run's, restored ones, or a test's); the run
    /// folder too when it is not empty.
    void setSettings(const TrainingSettings& settings);

    /// What of config (an opened experiment) the controls do not show, as "key = value" texts.
    struct Unshown {
        QStringList kept;     ///< settings without a control, not at their defaults: trained with as they are
        QStringList replaced; ///< values no control can hold (or that the page decides): the shown value is used
    };
    /// Compares config with what settings() gives now (call it after setSettings(config)).
    Unshown unshown(const ddpm::TrainConfig& config) const;

    /// The schedule the controls hold: name, T and the zero-terminal-SNR setting.
    ScheduleChoice schedule() const;
    /// Shows choice in the schedule controls (a custom file joins the list); emits nothing.
    /// T stays as it is for a custom file whose T is not known yet (steps 0).
    void setSchedule(const ScheduleChoice& choice);

    /// The data spec chosen ("fashion-mnist", "toy:moons", "folder:DIR").
    QString dataSpec() const;
    bool dataIsImages() const;
    /// Shows the parameter count of the chosen preset, or why it does not fit (text as given).
    void setParameterText(const QString& text, const QString& toolTip = QString());

    /// Key training/config (TrainConfig JSON) and training/runFolder.
    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

Q_SIGNALS:
    /// The data, its image size, the preset or the variance changed: what the data preview and
    /// the parameter count depend on.
    void modelInputsChanged();
    /// The user chose another schedule or T (setSchedule and setSettings do not emit it).
    void scheduleEdited(const ddpm::ui::ScheduleChoice& choice);
    /// Any control changed (not by setSettings): what Start would train now is different.
    void edited();
    /// Steps changed (not by setSettings): for a paused run, its new total.
    void totalStepsEdited(long long steps);

private:
    QComboBox* addCombo(const QString& objectName, const QStringList& items, const QString& toolTip);
    void onDataChanged();
    /// Enabled states: by the data kind (folder, image size, preview images) and by editable().
    void updateEnabled();
    void fillPresets();
    void updateLossChoices();
    void browseFolder();
    void browseRunFolder();
    void selectPreviewSteps(int steps);
    void updatePreviewChoices();
    void showScheduleName(const QString& name);

    ddpm::TrainConfig m_base;  // fields without a control pass through settings()
    Editable m_editable = Editable::All;
    long long m_stepsDone = 0;       // by the paused run (TotalStepsOnly)
    QList<QGroupBox*> m_runDefining; // the Data, Model and Optimiser boxes
    QFormLayout* m_runForm = nullptr; // the Run box's rows
    QHBoxLayout* m_runRow = nullptr;  // the run folder and its Browse button
    QComboBox* m_data = nullptr;
    QLineEdit* m_folder = nullptr;
    QPushButton* m_browseFolder = nullptr;
    QSpinBox* m_imageSize = nullptr;
    QComboBox* m_preset = nullptr;
    QLabel* m_parameters = nullptr;
    QComboBox* m_schedule = nullptr;
    QSpinBox* m_steps = nullptr;          // T
    QComboBox* m_prediction = nullptr;
    QComboBox* m_variance = nullptr;
    QComboBox* m_loss = nullptr;
    QComboBox* m_tSampling = nullptr;
    QSpinBox* m_batch = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QSpinBox* m_warmup = nullptr;
    QDoubleSpinBox* m_gradClip = nullptr;
    QDoubleSpinBox* m_ema = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_precision = nullptr;
    QSpinBox* m_trainSteps = nullptr;
    QSpinBox* m_sampleEvery = nullptr;
    QSpinBox* m_sampleCount = nullptr;
    QComboBox* m_sampleSteps = nullptr;   // the previews' chain: DDIM on K steps, or DDPM (0)
    QLineEdit* m_runFolder = nullptr;
    QPushButton* m_browseRun = nullptr;
};

} // namespace ddpm::ui
