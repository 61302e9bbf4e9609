#include "widgets/bound_options.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QSignalBlocker>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>

#include <limits>

#include "ddpm/model.h"
#include "jobs/bound_job.h"

namespace ddpm::ui {

namespace {

const QString kOpenCheckpoint = QStringLiteral("<open checkpoint>");

} // namespace

BoundOptions::BoundOptions(QWidget* parent)
    : QGroupBox(tr("Evaluation"), parent)
{
    auto* form = new QFormLayout(this);
    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("model"));
    m_model->addItem(tr("zero (predicts no noise)"), zeroSpec());
    m_model->addItem(tr("Open checkpoint…"), kOpenCheckpoint);
    m_model->setToolTip(tr("The network that predicts the noise. The zero model knows nothing: "
                           "it shows what the bound costs before any training."));
    connect(m_model, QOverload<int>::of(&QComboBox::activated), this, &BoundOptions::onModelActivated);
    form->addRow(tr("Model:"), m_model);

    auto* varianceRow = new QWidget(this);
    auto* varianceLayout = new QHBoxLayout(varianceRow);
    varianceLayout->setContentsMargins(0, 0, 0, 0);
    m_small = new QRadioButton(tr("small β̃ₜ"), varianceRow);
    m_large = new QRadioButton(tr("large βₜ"), varianceRow);
    m_small->setObjectName(QStringLiteral("varianceSmall"));
    m_large->setObjectName(QStringLiteral("varianceLarge"));
    m_small->setChecked(true);
    m_small->setToolTip(tr("The reverse step's variance σₜ² = β̃ₜ = (1 − ᾱₜ₋₁) / (1 − ᾱₜ) · βₜ, the true "
                           "posterior's (Eq. 7; its log clipped at t = 1)"));
    m_large->setToolTip(tr("The reverse step's variance σₜ² = βₜ, the forward step's own (Eq. 2); "
                           "the paper found both give similar samples"));
    auto* group = new QButtonGroup(varianceRow);
    group->addButton(m_small);
    group->addButton(m_large);
    varianceLayout->addWidget(m_small);
    varianceLayout->addWidget(m_large);
    varianceLayout->addStretch(1);
    connect(m_small, &QRadioButton::toggled, this, &BoundOptions::changed);
    form->addRow(tr("Variance:"), varianceRow);

    m_clip = new QCheckBox(tr("clip predicted x₀ to [−1, 1]"), this);
    m_clip->setObjectName(QStringLiteral("clipDenoised"));
    m_clip->setToolTip(tr("Clamp the predicted x₀ = (xₜ − √(1 − ᾱₜ) ε_θ) / √ᾱₜ to [−1, 1] before the posterior "
                          "mean μ̃ₜ (Eq. 7) is taken, as improved DDPM's bits/dim evaluation does."));
    connect(m_clip, &QCheckBox::toggled, this, &BoundOptions::changed);
    form->addRow(tr("Denoised:"), m_clip);

    m_samples = new QSpinBox(this);
    m_samples->setObjectName(QStringLiteral("samples"));
    m_samples->setRange(1, 64);
    m_samples->setValue(1);
    m_samples->setToolTip(tr("K: draws of xₜ from q(xₜ | x₀) per t, averaged. Each term is an expectation "
                             "over that noise: more draws, less noisy terms, longer runs."));
    connect(m_samples, QOverload<int>::of(&QSpinBox::valueChanged), this, &BoundOptions::changed);
    form->addRow(tr("Samples K:"), m_samples);

    m_resolution = new QComboBox(this);
    m_resolution->setObjectName(QStringLiteral("resolution"));
    for (int n : {16, 28, 32, 64, 128})
        m_resolution->addItem(QStringLiteral("%1 × %1").arg(n), n);
    m_resolution->addItem(tr("original size"), 0);
    m_resolution->setCurrentIndex(m_resolution->findData(32));
    m_resolution->setToolTip(tr("The image is resized (shorter side to N) and centre-cropped to N × N "
                                "before evaluation.\nBits/dim depend on the resolution: compare results "
                                "only at the same N."));
    connect(m_resolution, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &BoundOptions::changed);
    form->addRow(tr("Resolution:"), m_resolution);

    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of the noise draws: the same seed gives the same numbers."));
    connect(m_seed, QOverload<int>::of(&QSpinBox::valueChanged), this, &BoundOptions::changed);
    form->addRow(tr("Seed:"), m_seed);
}

void BoundOptions::fillSettings(BoundSettings& s) const
{
    s.modelSpec = m_modelSpec;
    s.largeVariance = m_large->isChecked();
    s.clipDenoised = m_clip->isChecked();
    s.samples = m_samples->value();
    s.resolution = m_resolution->currentData().toInt();
    s.seed = static_cast<quint64>(m_seed->value());
}

void BoundOptions::setSamples(int k) { m_samples->setValue(k); }
void BoundOptions::setLargeVariance(bool large) { (large ? m_large : m_small)->setChecked(true); }
void BoundOptions::setClipDenoised(bool clip) { m_clip->setChecked(clip); }
void BoundOptions::setSeed(quint64 seed) { m_seed->setValue(static_cast<int>(std::min<quint64>(seed, m_seed->maximum()))); }

void BoundOptions::setResolution(int n)
{
    int index = m_resolution->findData(n);
    if (index < 0 && n > 0) {
        m_resolution->insertItem(m_resolution->count() - 1, QStringLiteral("%1 × %1").arg(n), n);
        index = m_resolution->findData(n);
    }
    if (index >= 0)
        m_resolution->setCurrentIndex(index);
}

int BoundOptions::modelIndexForSpec(const QString& spec)
{
    int index = m_model->findData(spec);
    if (index < 0) {
        m_model->insertItem(m_model->count() - 1, QFileInfo(spec).fileName(), spec);
        index = m_model->findData(spec);
        m_model->setItemData(index, spec, Qt::ToolTipRole);
    }
    return index;
}

void BoundOptions::offerModel(const QString& spec, const QString& label)
{
    // Inserting keeps the current item chosen; no signal, so nothing turns stale.
    const QSignalBlocker block(m_model);
    m_model->setItemText(modelIndexForSpec(spec), label);
}

bool BoundOptions::setModelSpec(const QString& spec)
{
    try {
        // Loading checks the spec now, so a bad checkpoint is reported before Evaluate.
        (void)ddpm::makeModel(spec.toStdString());
    } catch (const std::exception& e) {
        m_model->setCurrentIndex(m_model->findData(m_modelSpec));
        Q_EMIT failed(tr("Cannot use this model"), QString::fromStdString(e.what()));
        return false;
    }
    m_modelSpec = spec;
    m_model->setCurrentIndex(modelIndexForSpec(spec));
    Q_EMIT changed();
    return true;
}

void BoundOptions::onModelActivated(int index)
{
    const QString spec = m_model->itemData(index).toString();
    if (spec == kOpenCheckpoint) {
        m_model->setCurrentIndex(m_model->findData(m_modelSpec));
        const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), QString(),
                                                          tr("DDPM checkpoints (*.ddpm *.pt *.ckpt);;All files (*)"));
        if (!path.isEmpty())
            setModelSpec(path);
        return;
    }
    if (spec != m_modelSpec)
        setModelSpec(spec);
}

void BoundOptions::saveSettings(QSettings& settings) const
{
    settings.setValue(QStringLiteral("bound/model"), m_modelSpec);
    settings.setValue(QStringLiteral("bound/variance"), m_large->isChecked() ? QStringLiteral("large") : QStringLiteral("small"));
    settings.setValue(QStringLiteral("bound/clipDenoised"), m_clip->isChecked());
    settings.setValue(QStringLiteral("bound/samples"), m_samples->value());
    settings.setValue(QStringLiteral("bound/resolution"), m_resolution->currentData().toInt());
    settings.setValue(QStringLiteral("bound/seed"), m_seed->value());
}

void BoundOptions::restoreSettings(const QSettings& settings)
{
    setLargeVariance(settings.value(QStringLiteral("bound/variance")).toString() == QStringLiteral("large"));
    setClipDenoised(settings.value(QStringLiteral("bound/clipDenoised"), false).toBool());
    setSamples(settings.value(QStringLiteral("bound/samples"), 1).toInt());
    setResolution(std::max(0, settings.value(QStringLiteral("bound/resolution"), 32).toInt()));
    setSeed(static_cast<quint64>(std::max(0, settings.value(QStringLiteral("bound/seed"), 0).toInt())));
    // A saved checkpoint that no longer loads falls back to the zero model without a dialog.
    const QString spec = settings.value(QStringLiteral("bound/model"), zeroSpec()).toString();
    if (spec != m_modelSpec) {
        try {
            (void)ddpm::makeModel(spec.toStdString());
            m_modelSpec = spec;
            m_model->setCurrentIndex(modelIndexForSpec(spec));
        } catch (const std::exception&) {
        }
    }
}

} // namespace ddpm::ui
