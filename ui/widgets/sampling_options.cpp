#include "widgets/sampling_options.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>

#include <limits>

#include "ddpm/model.h"
#include "ddpm/schedule.h"
#include "widgets/schedule_selector.h"

namespace ddpm::ui {

namespace {

const QString kOpenCheckpoint = QStringLiteral("<open checkpoint>");
const QString kOpenRun = QStringLiteral("<open run>");
const QString kOraclePrefix = QStringLiteral("oracle:");
const QString kDefaultModel = QStringLiteral("oracle:toy:gaussians8");
const QString kAllSteps = QStringLiteral("all T");

QString key(const char* name)
{
    return QStringLiteral("reverse/") + QLatin1String(name);
}

bool isOracle(const QString& spec)
{
    return spec.startsWith(kOraclePrefix);
}

QString oracleNote(const QString& data)
{
    if (data == QStringLiteral("toy:gaussians8"))
        return QObject::tr("The oracle: the exact minimum-MSE denoiser E[ε | xₜ] of the eight-Gaussian mixture, "
                           "in closed form: what a perfectly trained model would predict. No training needed.");
    if (data.startsWith(QStringLiteral("toy:")))
        return QObject::tr("The oracle of 2,000 points of %1 taken as point masses: the minimum-MSE denoiser in "
                           "closed form. Sampled to the end, every particle lands on one of those points.")
            .arg(data);
    return QObject::tr("The oracle of the %1 images taken as point masses: the minimum-MSE denoiser in closed "
                       "form. It reproduces those very images: memorisation made visible. A model that "
                       "generalises must predict worse than this on its own training set.")
        .arg(data);
}

} // namespace

QStringList SamplingOptions::oracleData()
{
    return {QStringLiteral("toy:gaussians8"), QStringLiteral("toy:moons"), QStringLiteral("toy:swiss-roll"),
            QStringLiteral("toy:checkerboard"), QStringLiteral("toy:rings"), QStringLiteral("fashion-mnist:test")};
}

SamplingOptions::SamplingOptions(QWidget* parent)
    : QGroupBox(tr("Sampling"), parent)
{
    auto* form = new QFormLayout(this);
    // In a narrow column (presentation mode's font) a field goes under its label, not off the side.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("model"));
    for (const QString& data : oracleData())
        m_model->addItem(tr("Oracle: %1").arg(data), kOraclePrefix + data);
    m_model->addItem(tr("Open checkpoint…"), kOpenCheckpoint);
    m_model->addItem(tr("Open run folder…"), kOpenRun);
    m_model->setToolTip(tr("What predicts the noise: a trained model (the one on the Training page, a checkpoint "
                           "or a run folder's newest checkpoint) or an oracle, the closed-form best denoiser of a "
                           "data set."));
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(16);
    connect(m_model, QOverload<int>::of(&QComboBox::activated), this, &SamplingOptions::onModelActivated);
    form->addRow(tr("Model:"), m_model);
    m_modelNote = new QLabel(this);
    m_modelNote->setObjectName(QStringLiteral("modelNote"));
    m_modelNote->setWordWrap(true);
    m_modelNote->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont small = m_modelNote->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_modelNote->setFont(small);
    form->addRow(m_modelNote);

    m_schedule = new ScheduleSelector(this, ScheduleSelector::Arrangement::Wrapping);
    m_schedule->setObjectName(QStringLiteral("oracleSchedule"));
    m_schedule->setToolTip(tr("An oracle has no schedule of its own: the diffusion it denoises"));
    connect(m_schedule, &ScheduleSelector::choiceChanged, this, &SamplingOptions::changed);
    connect(m_schedule, &ScheduleSelector::choiceChanged, this, &SamplingOptions::oracleScheduleEdited);
    form->addRow(m_schedule);
    m_scheduleLabel = new QLabel(this);
    m_scheduleLabel->setWordWrap(true);
    m_scheduleLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    form->addRow(m_scheduleLabel);

    auto* samplerRow = new QWidget(this);
    auto* samplerLayout = new QHBoxLayout(samplerRow);
    samplerLayout->setContentsMargins(0, 0, 0, 0);
    m_ddpm = new QRadioButton(tr("DDPM"), samplerRow);
    m_ddim = new QRadioButton(tr("DDIM"), samplerRow);
    m_ddpm->setObjectName(QStringLiteral("samplerDdpm"));
    m_ddim->setObjectName(QStringLiteral("samplerDdim"));
    m_ddpm->setToolTip(tr("Ancestral sampling, the paper's Algorithm 2: x_{t−1} = μ_θ(xₜ, t) + σₜ z"));
    m_ddim->setToolTip(tr("DDIM (Song et al. 2021): deterministic at η = 0, as noisy as DDPM at η = 1"));
    auto* group = new QButtonGroup(samplerRow);
    group->addButton(m_ddpm);
    group->addButton(m_ddim);
    m_ddim->setChecked(true);
    samplerLayout->addWidget(m_ddpm);
    samplerLayout->addWidget(m_ddim);
    samplerLayout->addStretch(1);
    connect(m_ddim, &QRadioButton::toggled, this, [this] {
        updateEnabled();
        Q_EMIT changed();
    });
    form->addRow(tr("Sampler:"), samplerRow);

    m_steps = new QComboBox(this);
    m_steps->setObjectName(QStringLiteral("steps"));
    m_steps->setEditable(true);
    m_steps->setInsertPolicy(QComboBox::NoInsert);
    for (const char* s : {"all T", "1000", "250", "100", "50", "ddim50", "20", "10", "trailing:50", "leading:50",
                          "linspace:50", "10,10,20"})
        m_steps->addItem(QString::fromLatin1(s));
    m_steps->setCurrentText(QStringLiteral("50"));
    m_steps->setToolTip(tr("Which timesteps the chain visits: all T; K evenly spaced (both ends kept); ddimK (a "
                           "fixed stride); sections a,b,c (T cut into equal parts, a, b, c steps in each); "
                           "diffusers' leading:K, trailing:K, linspace:K"));
    connect(m_steps, &QComboBox::currentTextChanged, this, &SamplingOptions::changed);
    form->addRow(tr("Steps:"), m_steps);

    m_eta = new QDoubleSpinBox(this);
    m_eta->setObjectName(QStringLiteral("eta"));
    m_eta->setRange(0.0, 1.0);
    m_eta->setSingleStep(0.1);
    m_eta->setDecimals(2);
    m_eta->setToolTip(tr("DDIM's η: 0 is deterministic (the same x_T, the same sample); 1 adds DDPM's "
                         "posterior noise β̃ₜ"));
    connect(m_eta, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this, &SamplingOptions::changed);
    form->addRow(tr("η:"), m_eta);

    m_variance = new QComboBox(this);
    m_variance->setObjectName(QStringLiteral("variance"));
    m_variance->addItem(tr("the model's own"), QString());
    m_variance->addItem(tr("small σₜ² = β̃ₜ"), QStringLiteral("small"));
    m_variance->addItem(tr("large σₜ² = βₜ"), QStringLiteral("large"));
    connect(m_variance, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &SamplingOptions::changed);
    form->addRow(tr("Variance:"), m_variance);

    m_clip = new QCheckBox(tr("clip predicted x₀ to [−1, 1]"), this);
    m_clip->setObjectName(QStringLiteral("clipDenoised"));
    m_clip->setToolTip(tr("Clamp the predicted x₀ at every step (images live in [−1, 1]); off for 2-D data"));
    connect(m_clip, &QCheckBox::toggled, this, &SamplingOptions::changed);
    form->addRow(tr("Denoised:"), m_clip);

    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of x_T ~ N(0, I) and of every step's noise z: the same seed gives the same chain"));
    connect(m_seed, QOverload<int>::of(&QSpinBox::valueChanged), this, &SamplingOptions::changed);
    form->addRow(tr("Seed:"), m_seed);

    m_batch = new QSpinBox(this);
    m_batch->setObjectName(QStringLiteral("batch"));
    m_batch->setRange(1, 4096);
    m_batch->setToolTip(tr("Samples drawn side by side (images and 2-D points keep their own batch size)"));
    connect(m_batch, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int value) {
        (m_images ? m_batchImages : m_batchPoints) = value;
        Q_EMIT changed();
    });
    form->addRow(tr("Batch:"), m_batch);

    acceptModel(kDefaultModel, true);
}

SamplingSettings SamplingOptions::settings() const
{
    SamplingSettings s;
    s.modelSpec = m_modelSpec;
    s.oracleSchedule = m_schedule->choice();
    s.sampler = m_ddim->isChecked() ? QStringLiteral("ddim") : QStringLiteral("ddpm");
    const QString steps = m_steps->currentText().trimmed();
    s.spacing = steps == kAllSteps ? QString() : steps;
    s.eta = s.sampler == QStringLiteral("ddim") ? m_eta->value() : 0.0;
    s.variance = s.sampler == QStringLiteral("ddpm") && !m_learnsVariance ? m_variance->currentData().toString() : QString();
    s.clipDenoised = m_clip->isChecked();
    s.seed = static_cast<quint64>(m_seed->value());
    s.batch = m_batch->value();
    return s;
}

QString SamplingOptions::modelLabel() const
{
    return m_model->itemText(m_model->findData(m_modelSpec));
}

int SamplingOptions::modelIndexForSpec(const QString& spec)
{
    int index = m_model->findData(spec);
    if (index < 0) {
        const QString label = isOracle(spec) ? tr("Oracle: %1").arg(spec.mid(kOraclePrefix.size()))
                                             : QFileInfo(spec).fileName();
        m_model->insertItem(0, label, spec);
        index = 0;
        m_model->setItemData(index, spec, Qt::ToolTipRole);
    }
    return index;
}

void SamplingOptions::offerModel(const QString& spec, const QString& label)
{
    const QSignalBlocker block(m_model);
    m_model->setItemText(modelIndexForSpec(spec), label);
    m_model->setCurrentIndex(m_model->findData(m_modelSpec));
}

bool SamplingOptions::acceptModel(const QString& spec, bool quiet)
{
    ModelFacts facts;
    if (isOracle(spec)) {
        const QString data = spec.mid(kOraclePrefix.size());
        facts.images = !data.startsWith(QStringLiteral("toy:"));
        facts.note = oracleNote(data);
    } else {
        try {
            // Loading checks the checkpoint now, so a bad one is reported before Run.
            const std::unique_ptr<ddpm::DenoiseModel> model = ddpm::makeModel(spec.toStdString());
            facts.images = model->itemShape().size() == 3;
            facts.learnsVariance = model->parameterization().learnsVariance();
            facts.note = tr("%1; %2.").arg(QString::fromStdString(model->name()),
                                           QString::fromStdString(model->parameterization().describe()));
            if (const ddpm::NoiseSchedule* own = model->schedule())
                m_scheduleLabel->setText(tr("Schedule: %1, T = %2 (the model's own)")
                                             .arg(QString::fromStdString(own->name()))
                                             .arg(own->steps()));
        } catch (const std::exception& e) {
            m_model->setCurrentIndex(m_model->findData(m_modelSpec));
            if (!quiet)
                Q_EMIT failed(tr("Cannot use this model"), QString::fromStdString(e.what()));
            return false;
        }
    }
    m_modelSpec = spec;
    m_learnsVariance = facts.learnsVariance;
    m_modelNote->setText(facts.note);
    m_model->setCurrentIndex(modelIndexForSpec(spec));
    setImagesKind(facts.images);
    updateEnabled();
    return true;
}

void SamplingOptions::setImagesKind(bool images)
{
    m_images = images;
    const QSignalBlocker block(m_batch);
    // Images: one recorded chain of at most 256, as `ddpm sample --trajectory` takes.
    m_batch->setMaximum(images ? 256 : 4096);
    m_batch->setValue(images ? m_batchImages : m_batchPoints);
}

bool SamplingOptions::setModelSpec(const QString& spec)
{
    if (!acceptModel(spec, false))
        return false;
    Q_EMIT changed();
    return true;
}

void SamplingOptions::onModelActivated(int index)
{
    const QString spec = m_model->itemData(index).toString();
    if (spec == kOpenCheckpoint || spec == kOpenRun) {
        m_model->setCurrentIndex(m_model->findData(m_modelSpec));
        const QString path = spec == kOpenCheckpoint
            ? QFileDialog::getOpenFileName(this, tr("Open checkpoint"), QString(),
                                           tr("DDPM checkpoints (*.ckpt);;All files (*)"))
            : QFileDialog::getExistingDirectory(this, tr("Open run folder"));
        if (!path.isEmpty())
            setModelSpec(path);
        return;
    }
    if (spec != m_modelSpec)
        setModelSpec(spec);
}

void SamplingOptions::updateEnabled()
{
    const bool oracle = isOracle(m_modelSpec);
    m_schedule->setVisible(oracle);
    m_scheduleLabel->setVisible(!oracle);
    const bool ddim = m_ddim->isChecked();
    m_eta->setEnabled(ddim);
    m_variance->setEnabled(!ddim && !m_learnsVariance);
    m_variance->setToolTip(m_learnsVariance ? tr("This model learned its variance; DDPM uses it")
                                            : tr("DDPM's σₜ² in xₜ₋₁ = μ_θ + σₜ z (Algorithm 2): the model's own (as "
                                                 "trained), β̃ₜ (the posterior's, Eq. 7) or βₜ (the forward step's)"));
}

void SamplingOptions::setOracleSchedule(const ScheduleChoice& choice)
{
    m_schedule->setChoice(choice);
    Q_EMIT changed();
}

void SamplingOptions::setSampler(const QString& sampler)
{
    (sampler == QStringLiteral("ddpm") ? m_ddpm : m_ddim)->setChecked(true);
}

void SamplingOptions::setSpacing(const QString& spacing)
{
    m_steps->setCurrentText(spacing.isEmpty() ? kAllSteps : spacing);
}

void SamplingOptions::setEta(double eta) { m_eta->setValue(eta); }
void SamplingOptions::setClipDenoised(bool clip) { m_clip->setChecked(clip); }
void SamplingOptions::setSeed(quint64 seed) { m_seed->setValue(static_cast<int>(std::min<quint64>(seed, m_seed->maximum()))); }
void SamplingOptions::setBatch(int batch) { m_batch->setValue(batch); }

void SamplingOptions::setVariance(const QString& variance)
{
    const int index = m_variance->findData(variance);
    m_variance->setCurrentIndex(index >= 0 ? index : 0);
}

void SamplingOptions::saveSettings(QSettings& settings) const
{
    const SamplingSettings s = this->settings();
    settings.setValue(key("model"), m_modelSpec);
    settings.setValue(key("oracleSchedule"), s.oracleSchedule.name);
    settings.setValue(key("oracleSteps"), s.oracleSchedule.steps);
    settings.setValue(key("oracleZeroTerminalSnr"), s.oracleSchedule.zeroTerminalSnr);
    settings.setValue(key("sampler"), s.sampler);
    settings.setValue(key("spacing"), m_steps->currentText());
    settings.setValue(key("eta"), m_eta->value());
    settings.setValue(key("variance"), m_variance->currentData().toString());
    settings.setValue(key("clipDenoised"), s.clipDenoised);
    settings.setValue(key("seed"), m_seed->value());
    settings.setValue(key("batchImages"), m_batchImages);
    settings.setValue(key("batchPoints"), m_batchPoints);
}

void SamplingOptions::restoreSettings(const QSettings& settings)
{
    ScheduleChoice schedule;
    schedule.name = settings.value(key("oracleSchedule"), schedule.name).toString();
    schedule.steps = settings.value(key("oracleSteps"), schedule.steps).toInt();
    schedule.zeroTerminalSnr = settings.value(key("oracleZeroTerminalSnr"), false).toBool();
    m_schedule->setChoice(schedule);
    setSampler(settings.value(key("sampler"), QStringLiteral("ddim")).toString());
    m_steps->setCurrentText(settings.value(key("spacing"), QStringLiteral("50")).toString());
    setEta(settings.value(key("eta"), 0.0).toDouble());
    setVariance(settings.value(key("variance")).toString());
    setClipDenoised(settings.value(key("clipDenoised"), false).toBool());
    setSeed(static_cast<quint64>(std::max(0, settings.value(key("seed"), 0).toInt())));
    m_batchImages = std::clamp(settings.value(key("batchImages"), 16).toInt(), 1, 4096);
    m_batchPoints = std::clamp(settings.value(key("batchPoints"), 512).toInt(), 1, 4096);
    // A saved checkpoint that no longer loads falls back to the default oracle without a dialog.
    const QString spec = settings.value(key("model"), kDefaultModel).toString();
    if (!acceptModel(spec, true))
        acceptModel(kDefaultModel, true);
    Q_EMIT changed();
}

} // namespace ddpm::ui
