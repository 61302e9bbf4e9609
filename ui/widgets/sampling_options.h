// The Reverse chain page's "Sampling" box: the model (the one being trained, a checkpoint or
// run folder, or an oracle with a schedule of the user's choice), the sampler (DDPM or DDIM),
// its steps (a respacing), DDIM's eta, DDPM's variance (disabled for a model that learned
// its own), clipping of the predicted x_0, the seed and the batch size. A checkpoint core
// cannot load is reported and not selected. Says what an oracle is.
#pragma once

#include <QGroupBox>

#include "jobs/sampling_job.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QRadioButton;
class QSettings;
class QSpinBox;

namespace ddpm::ui {

class ScheduleSelector;

class SamplingOptions : public QGroupBox {
    Q_OBJECT
public:
    explicit SamplingOptions(QWidget* parent = nullptr);

    /// What Run would sample now.
    SamplingSettings settings() const;
    /// How the model choice is named, e.g. "Oracle: toy:gaussians8" or "Trained: run-1".
    QString modelLabel() const;
    /// Whether the chosen model makes images (false: 2-D points).
    bool modelMakesImages() const { return m_images; }

    /// Selects a model by spec (a checkpoint, a run folder or "oracle:DATA"); one core cannot
    /// load emits failed and the previous choice stays. Returns whether it was accepted.
    bool setModelSpec(const QString& spec);
    /// Adds a model (a run folder) to the choices under label without choosing it; the tooltip holds the path.
    void offerModel(const QString& spec, const QString& label);
    /// Shows choice in the oracle's schedule controls (emits changed, not oracleScheduleEdited).
    void setOracleSchedule(const ScheduleChoice& choice);
    /// "ddpm" or "ddim".
    void setSampler(const QString& sampler);
    /// A spacing as respacing.h reads it; "" for all T steps.
    void setSpacing(const QString& spacing);
    void setEta(double eta);
    /// "" (the model's own), "small" or "large".
    void setVariance(const QString& variance);
    void setClipDenoised(bool clip);
    void setSeed(quint64 seed);
    void setBatch(int batch);

    /// Keys under reverse/.
    void saveSettings(QSettings& settings) const;
    /// A saved checkpoint that no longer loads falls back to the default oracle without a message.
    void restoreSettings(const QSettings& settings);

    /// The oracle data sets offered.
    static QStringList oracleData();

Q_SIGNALS:
    /// Any option changed (by the user or a setter).
    void changed();
    /// A model could not be used; title and message for the user.
    void failed(const QString& title, const QString& message);
    /// The user chose another schedule for the oracle (not validated here).
    void oracleScheduleEdited(const ddpm::ui::ScheduleChoice& choice);

private:
    struct ModelFacts {
        bool images = true;
        bool learnsVariance = false;
        QString note;
    };
    bool acceptModel(const QString& spec, bool quiet);
    void onModelActivated(int index);
    int modelIndexForSpec(const QString& spec);
    void updateEnabled();
    void setImagesKind(bool images);

    QString m_modelSpec;
    bool m_images = false;
    bool m_learnsVariance = false;
    int m_batchImages = 16;
    int m_batchPoints = 512;
    QComboBox* m_model = nullptr;
    QLabel* m_modelNote = nullptr;
    ScheduleSelector* m_schedule = nullptr;
    QLabel* m_scheduleLabel = nullptr;
    QRadioButton* m_ddpm = nullptr;
    QRadioButton* m_ddim = nullptr;
    QComboBox* m_steps = nullptr;
    QDoubleSpinBox* m_eta = nullptr;
    QComboBox* m_variance = nullptr;
    QCheckBox* m_clip = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_batch = nullptr;
};

} // namespace ddpm::ui
