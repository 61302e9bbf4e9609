// The Bound page's "Evaluation" box: the model (zero or a checkpoint), the reverse variance
// (small beta~_t or large beta_t), clipping of the predicted x_0, K noise draws per t, the
// resolution N and the seed. A checkpoint core cannot load is reported and not selected.
#pragma once

#include <QGroupBox>

class QComboBox;
class QCheckBox;
class QRadioButton;
class QSettings;
class QSpinBox;

namespace ddpm::ui {

struct BoundSettings;

class BoundOptions : public QGroupBox {
    Q_OBJECT
public:
    explicit BoundOptions(QWidget* parent = nullptr);

    /// Writes the chosen model, variance, clipping, K, N and seed into `settings` (the rest stays).
    void fillSettings(BoundSettings& settings) const;
    QString modelSpec() const { return m_modelSpec; }

    void setSamples(int k);
    /// N in {16, 28, 32, 64, 128} or 0 for the original size; other values are added to the list.
    void setResolution(int n);
    void setLargeVariance(bool large);
    void setClipDenoised(bool clip);
    void setSeed(quint64 seed);
    /// Selects a model by spec ("zero" or a checkpoint path); one core cannot load emits failed
    /// and the previous choice stays. Returns whether the model was accepted.
    bool setModelSpec(const QString& spec);
    /// Adds spec (a run directory or checkpoint) to the model choices under label, without
    /// choosing it, so a model just trained is one click away; the tooltip holds the path.
    void offerModel(const QString& spec, const QString& label);

    /// Keys bound/model, bound/variance, bound/clipDenoised, bound/samples, bound/resolution, bound/seed.
    void saveSettings(QSettings& settings) const;
    /// A saved checkpoint that no longer loads falls back to the zero model without a message.
    void restoreSettings(const QSettings& settings);

    /// The spec of the built-in model that predicts no noise.
    static QString zeroSpec() { return QStringLiteral("zero"); }

Q_SIGNALS:
    /// Any option changed (by the user or a setter).
    void changed();
    /// A model could not be used; title and message for the user.
    void failed(const QString& title, const QString& message);

private:
    void onModelActivated(int index);
    int modelIndexForSpec(const QString& spec);

    QString m_modelSpec = zeroSpec();
    QComboBox* m_model = nullptr;
    QRadioButton* m_small = nullptr;
    QRadioButton* m_large = nullptr;
    QCheckBox* m_clip = nullptr;
    QSpinBox* m_samples = nullptr;
    QComboBox* m_resolution = nullptr;
    QSpinBox* m_seed = nullptr;
};

} // namespace ddpm::ui
