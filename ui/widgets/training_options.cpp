// Core headers that pull in torch's tensor header come before any Qt header.
#include "ddpm/error.h"
#include "ddpm/losses.h"
#include "ddpm/model_config.h"
#include "ddpm/parameterization.h"
#include "ddpm/schedule.h"

#include "widgets/training_options.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

#include "widgets/font_scaled_width.h"

namespace ddpm::ui {

namespace {

const QString kFolder = QStringLiteral("folder");
const QString kConfigKey = QStringLiteral("training/config");
const QString kRunFolderKey = QStringLiteral("training/runFolder");

constexpr long long kImagePreviewEvery = 2000; // a tiny-UNet DDPM preview of 16 images takes ~25 s on 2 quiet cores
constexpr long long kPointPreviewEvery = 500;
// The page's previews: DDIM on this many steps (T / 50 times fewer net calls than DDPM's T).
constexpr int kPreviewDdimSteps = 50;

QStringList toQ(const std::vector<std::string>& names)
{
    QStringList list;
    for (const std::string& n : names)
        list << QString::fromStdString(n);
    return list;
}

void selectData(QComboBox* combo, const QString& value)
{
    const int i = combo->findData(value);
    if (i >= 0)
        combo->setCurrentIndex(i);
}

void selectText(QComboBox* combo, const QString& value)
{
    const int i = combo->findText(value);
    if (i >= 0)
        combo->setCurrentIndex(i);
}

/// A combo box that asks for its longest item's width but may get less (the text is cut at
/// the end), down to 20 average characters of its font: in a narrow column (presentation
/// mode's font) it goes under its label instead of widening the column.
void shrinkBelowLongestItem(QComboBox* combo)
{
    combo->setMinimumWidth(20 * combo->fontMetrics().averageCharWidth());
    scaleWidthWithFont(combo);
}

QGroupBox* group(const QString& title, QWidget* parent, QFormLayout*& form)
{
    auto* box = new QGroupBox(title, parent);
    form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // In a narrow column (presentation mode's font) a field goes under its label, not off the side.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    return box;
}

} // namespace

TrainingOptions::TrainingOptions(QWidget* parent)
    : QWidget(parent)
{
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    QFormLayout* form = nullptr;

    // Data
    m_runDefining << group(tr("Data"), this, form);
    column->addWidget(m_runDefining.back());
    m_data = new QComboBox(this);
    m_data->setObjectName(QStringLiteral("data"));
    m_data->addItem(tr("Fashion-MNIST (28 × 28 gray)"), QStringLiteral("fashion-mnist"));
    for (const char* toy : {"swiss-roll", "moons", "gaussians8", "checkerboard", "rings"})
        m_data->addItem(tr("2-D toy: %1").arg(QLatin1String(toy)), QStringLiteral("toy:") + QLatin1String(toy));
    m_data->addItem(tr("Image folder…"), kFolder);
    m_data->setToolTip(tr("What the model learns to generate: images (a UNet) or 2-D points (an MLP)."));
    shrinkBelowLongestItem(m_data);
    form->addRow(tr("Data:"), m_data);
    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(this);
    m_folder->setObjectName(QStringLiteral("folder"));
    m_folder->setPlaceholderText(tr("a folder of images"));
    m_folder->setToolTip(tr("The folder whose images are the data x₀ (all of one size, or set Image size)."));
    m_browseFolder = new QPushButton(tr("Browse…"), this);
    m_browseFolder->setToolTip(tr("Choose a folder of images of one size (or set Image size)."));
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browseFolder);
    form->addRow(tr("Folder:"), folderRow);
    m_imageSize = new QSpinBox(this);
    m_imageSize->setObjectName(QStringLiteral("imageSize"));
    m_imageSize->setRange(0, 256);
    m_imageSize->setSpecialValueText(tr("keep"));
    m_imageSize->setToolTip(tr("Resize and centre-crop images to N × N (keep: their own size, which must be square)."));
    form->addRow(tr("Image size:"), m_imageSize);
    connect(m_data, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingOptions::onDataChanged);
    connect(m_folder, &QLineEdit::editingFinished, this, &TrainingOptions::modelInputsChanged);
    connect(m_browseFolder, &QPushButton::clicked, this, &TrainingOptions::browseFolder);
    connect(m_imageSize, QOverload<int>::of(&QSpinBox::valueChanged), this, &TrainingOptions::modelInputsChanged);

    // Model and diffusion
    m_runDefining << group(tr("Model"), this, form);
    column->addWidget(m_runDefining.back());
    m_preset = addCombo(QStringLiteral("preset"), {}, tr("The network's size (model_config.h describes each preset)."));
    form->addRow(tr("Preset:"), m_preset);
    m_parameters = new QLabel(tr("…"), this);
    m_parameters->setObjectName(QStringLiteral("parameters"));
    m_parameters->setWordWrap(true);
    form->addRow(tr("Parameters:"), m_parameters);
    m_schedule = addCombo(QStringLiteral("schedule"), toQ(ddpm::NoiseSchedule::namedSchedules()),
                          tr("The noise schedule β₁ … β_T of the forward process (Eq. 2); ᾱₜ follows from it "
                             "(the Schedule page compares them)."));
    form->addRow(tr("Schedule:"), m_schedule);
    m_steps = new QSpinBox(this);
    m_steps->setObjectName(QStringLiteral("diffusionSteps"));
    m_steps->setRange(2, 100000);
    m_steps->setValue(1000);
    m_steps->setToolTip(tr("The diffusion's T: steps of the forward and reverse chains (t is drawn from 1 … T)."));
    form->addRow(tr("T:"), m_steps);
    connect(m_schedule, QOverload<int>::of(&QComboBox::activated), this, [this] { Q_EMIT scheduleEdited(schedule()); });
    connect(m_steps, &QSpinBox::editingFinished, this, [this] { Q_EMIT scheduleEdited(schedule()); });
    m_prediction = addCombo(QStringLiteral("prediction"), {QStringLiteral("eps"), QStringLiteral("x0"), QStringLiteral("v")},
                            tr("What the net predicts: the noise ε (the paper's ε_θ, Eq. 11), x₀, or "
                               "v = √ᾱₜ ε − √(1 − ᾱₜ) x₀."));
    form->addRow(tr("Prediction:"), m_prediction);
    m_variance = addCombo(QStringLiteral("variance"),
                          {QStringLiteral("small"), QStringLiteral("large"), QStringLiteral("learned"),
                           QStringLiteral("learned-range")},
                          tr("The reverse variance: fixed β̃ₜ (small) or βₜ (large), or learned by the net "
                             "(learned-range interpolates between the two, improved DDPM)."));
    form->addRow(tr("Variance:"), m_variance);
    m_loss = addCombo(QStringLiteral("loss"), {QStringLiteral("simple"), QStringLiteral("vlb"), QStringLiteral("hybrid")},
                      tr("simple: L_simple = ‖ε − ε_θ‖² (Eq. 14); vlb: the bound L itself (Eq. 5); "
                         "hybrid: L_simple + 0.001 L_vlb (improved DDPM)."));
    form->addRow(tr("Loss:"), m_loss);
    m_tSampling = addCombo(QStringLiteral("tSampling"), {QStringLiteral("uniform"), QStringLiteral("importance")},
                           tr("How t is drawn: uniformly from 1 … T (Algorithm 1), or by importance "
                              "(∝ √E[Lₜ²], improved DDPM)."));
    form->addRow(tr("t sampling:"), m_tSampling);
    connect(m_preset, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingOptions::modelInputsChanged);
    for (QComboBox* c : {m_prediction, m_variance})
        connect(c, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingOptions::updateLossChoices);
    connect(m_variance, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingOptions::modelInputsChanged);

    // Optimiser
    m_runDefining << group(tr("Optimiser"), this, form);
    column->addWidget(m_runDefining.back());
    m_batch = new QSpinBox(this);
    m_batch->setObjectName(QStringLiteral("batch"));
    m_batch->setRange(0, 65536);
    m_batch->setSpecialValueText(tr("auto"));
    m_batch->setToolTip(tr("Items per step; auto: 64 images or 256 points."));
    form->addRow(tr("Batch:"), m_batch);
    m_lr = new QDoubleSpinBox(this);
    m_lr->setObjectName(QStringLiteral("lr"));
    m_lr->setDecimals(6);
    m_lr->setRange(0, 1);
    m_lr->setSingleStep(0.0001);
    m_lr->setSpecialValueText(tr("auto"));
    m_lr->setToolTip(tr("AdamW's peak learning rate, reached after the warm-up; auto: 5e-4 for images, 1e-3 for points."));
    form->addRow(tr("Learning rate:"), m_lr);
    m_warmup = new QSpinBox(this);
    m_warmup->setObjectName(QStringLiteral("warmup"));
    m_warmup->setRange(0, 10000000);
    m_warmup->setToolTip(tr("Steps of linear learning-rate warm-up from 0."));
    form->addRow(tr("Warm-up steps:"), m_warmup);
    m_gradClip = new QDoubleSpinBox(this);
    m_gradClip->setObjectName(QStringLiteral("gradClip"));
    m_gradClip->setRange(0, 1e6);
    m_gradClip->setSpecialValueText(tr("off"));
    m_gradClip->setToolTip(tr("Clip the gradient's global norm to this."));
    form->addRow(tr("Gradient clip:"), m_gradClip);
    m_ema = new QDoubleSpinBox(this);
    m_ema->setObjectName(QStringLiteral("emaDecay"));
    m_ema->setDecimals(5);
    m_ema->setRange(0, 1);
    m_ema->setSingleStep(0.0001);
    m_ema->setToolTip(tr("Decay of the weights' moving average (warmed up as min(decay, (1 + n) / (10 + n))); "
                         "the previews sample the EMA weights."));
    form->addRow(tr("EMA decay:"), m_ema);
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seeds the net, the data order and every noise draw: the same seed trains the same run."));
    form->addRow(tr("Seed:"), m_seed);
    m_precision = addCombo(QStringLiteral("precision"), {QStringLiteral("fp32"), QStringLiteral("bf16")},
                           tr("fp32: every step in float32.\n"
                              "bf16: the forward pass's convolutions and matrix products in bfloat16 (autocast);\n"
                              "norms and the loss stay float32. About 1.6x faster for the cifar10 preset on CPUs\n"
                              "with AVX512-BF16 or AMX, no faster for tiny; slower on CPUs without them."));
    form->addRow(tr("Precision:"), m_precision);

    // Run
    column->addWidget(group(tr("Run"), this, form));
    m_runForm = form;
    m_trainSteps = new QSpinBox(this);
    m_trainSteps->setObjectName(QStringLiteral("trainSteps"));
    m_trainSteps->setRange(1, 1000000000);
    m_trainSteps->setSingleStep(1000);
    form->addRow(tr("Steps:"), m_trainSteps);
    m_sampleEvery = new QSpinBox(this);
    m_sampleEvery->setObjectName(QStringLiteral("sampleEvery"));
    m_sampleEvery->setRange(0, 1000000000);
    m_sampleEvery->setSingleStep(100);
    m_sampleEvery->setSpecialValueText(tr("never"));
    m_sampleEvery->setToolTip(tr("Sample the EMA model every N steps (training waits meanwhile: Previews "
                                 "says for how long)."));
    form->addRow(tr("Preview every:"), m_sampleEvery);
    m_sampleCount = new QSpinBox(this);
    m_sampleCount->setObjectName(QStringLiteral("sampleCount"));
    m_sampleCount->setRange(1, 64);
    m_sampleCount->setToolTip(tr("Images per preview (2-D data: 1,000 points). Fewer images sample faster."));
    form->addRow(tr("Preview images:"), m_sampleCount);
    m_sampleSteps = new QComboBox(this);
    m_sampleSteps->setObjectName(QStringLiteral("sampleSteps"));
    shrinkBelowLongestItem(m_sampleSteps);
    m_sampleSteps->addItem(QString(), kPreviewDdimSteps);
    m_sampleSteps->addItem(tr("DDPM, all T steps"), 0);
    m_sampleSteps->setToolTip(
        tr("How a preview samples the EMA model (training waits meanwhile):\n"
           "DDIM: deterministic DDIM (η = 0) on %1 evenly spaced steps of 1 … T, %1 net calls instead of T;\n"
           "DDPM: the paper's ancestral sampling (Algorithm 2) over every one of the T steps.\n"
           "16 images of the tiny UNet at T = 1000 took 19 s with DDIM and 8 min with DDPM on two busy cores.\n"
           "As `ddpm train --sample-steps K` (0: DDPM); the same settings draw the same samples.")
            .arg(kPreviewDdimSteps));
    form->addRow(tr("Previews:"), m_sampleSteps);
    connect(m_steps, QOverload<int>::of(&QSpinBox::valueChanged), this, &TrainingOptions::updatePreviewChoices);
    m_runRow = new QHBoxLayout;
    m_runFolder = new QLineEdit(this);
    m_runFolder->setObjectName(QStringLiteral("runFolder"));
    m_runFolder->setPlaceholderText(tr("new folder under runs/"));
    m_runFolder->setToolTip(tr("Where config.json, metrics.csv, checkpoints/ and samples/ go, as with `ddpm train --out`.\n"
                               "Empty: a new dated folder in %1.")
                                .arg(TrainingSettings::defaultRunDir().section(QLatin1Char('/'), 0, -2)));
    m_browseRun = new QPushButton(tr("Browse…"), this);
    m_browseRun->setToolTip(tr("Choose an empty folder for the run."));
    connect(m_browseRun, &QPushButton::clicked, this, &TrainingOptions::browseRunFolder);
    m_runRow->addWidget(m_runFolder, 1);
    m_runRow->addWidget(m_browseRun);
    form->addRow(tr("Run folder:"), m_runRow);

    // Any change: what Start would train now differs from the run on the page.
    for (QComboBox* c : findChildren<QComboBox*>())
        connect(c, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingOptions::edited);
    for (QSpinBox* b : findChildren<QSpinBox*>())
        connect(b, QOverload<int>::of(&QSpinBox::valueChanged), this, &TrainingOptions::edited);
    for (QDoubleSpinBox* b : findChildren<QDoubleSpinBox*>())
        connect(b, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this, &TrainingOptions::edited);
    for (QLineEdit* e : {m_folder, m_runFolder})
        connect(e, &QLineEdit::textChanged, this, &TrainingOptions::edited);
    connect(m_trainSteps, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int steps) {
        // Raised past the steps done, a paused run's total may not come back to them.
        if (m_editable == Editable::TotalStepsOnly && steps > m_stepsDone)
            m_trainSteps->setMinimum(static_cast<int>(m_stepsDone + 1));
        Q_EMIT totalStepsEdited(steps);
    });

    TrainingSettings defaults;
    defaults.config.sampleEvery = kImagePreviewEvery;
    defaults.config.sampleSteps = kPreviewDdimSteps;
    setSettings(defaults);
    setEditable(Editable::All); // Steps' tooltip
}

QComboBox* TrainingOptions::addCombo(const QString& objectName, const QStringList& items, const QString& toolTip)
{
    auto* combo = new QComboBox(this);
    combo->setObjectName(objectName);
    for (const QString& item : items)
        combo->addItem(item, item);
    combo->setToolTip(toolTip);
    return combo;
}

QString TrainingOptions::dataSpec() const
{
    const QString choice = m_data->currentData().toString();
    if (choice == kFolder)
        return QStringLiteral("folder:") + m_folder->text().trimmed();
    return choice;
}

bool TrainingOptions::dataIsImages() const
{
    return !m_data->currentData().toString().startsWith(QLatin1String("toy:"));
}

void TrainingOptions::setEditable(Editable editable, long long stepsDone)
{
    m_editable = editable;
    m_stepsDone = stepsDone;
    // Never below the total shown, so the box does not change the total by itself (a run
    // opened at its last step: Steps equals the steps done until raised).
    const long long least = editable == Editable::TotalStepsOnly ? std::min<long long>(stepsDone + 1, m_trainSteps->value()) : 1;
    m_trainSteps->setMinimum(static_cast<int>(std::clamp<long long>(least, 1, m_trainSteps->maximum())));
    m_trainSteps->setToolTip(editable == Editable::TotalStepsOnly
                                 ? tr("Training steps in all: more than the %1 done. The paused run trains on to it "
                                      "when resumed (its other settings stay as they are).")
                                       .arg(QLocale::system().toString(stepsDone))
                                 : tr("Training steps in all; the run saves a checkpoint and ends there."));
    updateEnabled();
}

void TrainingOptions::updateEnabled()
{
    const bool all = m_editable == Editable::All;
    setEnabled(m_editable != Editable::Nothing);
    for (QGroupBox* box : std::as_const(m_runDefining))
        box->setEnabled(all);
    const bool folder = m_data->currentData().toString() == kFolder;
    m_folder->setEnabled(folder);
    m_browseFolder->setEnabled(folder);
    m_imageSize->setEnabled(dataIsImages());
    // In the Run box only Steps stays editable for a paused run.
    const auto setRowEnabled = [this](QWidget* field, bool enabled) {
        field->setEnabled(enabled);
        if (QWidget* label = m_runForm->labelForField(field))
            label->setEnabled(enabled);
    };
    setRowEnabled(m_sampleEvery, all);
    setRowEnabled(m_sampleCount, all && dataIsImages());
    setRowEnabled(m_sampleSteps, all);
    m_runFolder->setEnabled(all);
    m_browseRun->setEnabled(all);
    if (QWidget* label = m_runForm->labelForField(m_runRow))
        label->setEnabled(all);
}

void TrainingOptions::onDataChanged()
{
    updateEnabled();
    const bool wasImages = m_preset->property("images").toBool();
    fillPresets();
    if (wasImages != dataIsImages()) {
        // The other kind of data: its own preview interval (the batch and lr "auto" follow by themselves).
        m_sampleEvery->setValue(int(dataIsImages() ? kImagePreviewEvery : kPointPreviewEvery));
    }
    if (m_data->currentData().toString() == kFolder && m_folder->text().trimmed().isEmpty())
        browseFolder();
    Q_EMIT modelInputsChanged();
}

void TrainingOptions::fillPresets()
{
    const bool images = dataIsImages();
    if (m_preset->count() > 0 && m_preset->property("images").toBool() == images)
        return;
    const QSignalBlocker block(m_preset);
    m_preset->clear();
    const auto kind = images ? ddpm::ModelConfig::Kind::UNet : ddpm::ModelConfig::Kind::MLP;
    for (const std::string& name : ddpm::modelPresets(kind))
        m_preset->addItem(QStringLiteral("%1 %2").arg(images ? QStringLiteral("unet") : QStringLiteral("mlp"),
                                                      QString::fromStdString(name)),
                          QString::fromStdString(name));
    selectData(m_preset, QString::fromStdString(ddpm::defaultPreset(kind)));
    m_preset->setProperty("images", images);
}

void TrainingOptions::updateLossChoices()
{
    ddpm::Parameterization param;
    try {
        param.prediction = ddpm::parsePrediction(m_prediction->currentText().toStdString());
        param.variance = ddpm::parseVarianceKind(m_variance->currentText().toStdString());
    } catch (const ddpm::Error&) {
        return;
    }
    auto* model = qobject_cast<QStandardItemModel*>(m_loss->model());
    int firstValid = -1;
    for (int i = 0; i < m_loss->count(); ++i) {
        QString why;
        try {
            ddpm::checkLossFits(ddpm::parseLossKind(m_loss->itemText(i).toStdString()), param);
        } catch (const ddpm::Error& e) {
            why = QString::fromStdString(e.what());
            why[0] = why[0].toUpper();
        }
        QStandardItem* item = model->item(i);
        item->setEnabled(why.isEmpty());
        item->setToolTip(why.isEmpty() ? QString() : tr("Not with a %1 variance: %2").arg(m_variance->currentText(), why));
        if (why.isEmpty() && firstValid < 0)
            firstValid = i;
    }
    if (!model->item(m_loss->currentIndex())->isEnabled() && firstValid >= 0) {
        // A learned variance needs the bound in the loss; hybrid is improved DDPM's choice.
        const int hybrid = m_loss->findText(QStringLiteral("hybrid"));
        m_loss->setCurrentIndex(hybrid >= 0 && model->item(hybrid)->isEnabled() ? hybrid : firstValid);
    }
}

void TrainingOptions::setParameterText(const QString& text, const QString& toolTip)
{
    m_parameters->setText(text);
    m_parameters->setToolTip(toolTip);
}

ScheduleChoice TrainingOptions::schedule() const
{
    ScheduleChoice choice;
    choice.name = m_schedule->currentText();
    choice.steps = m_steps->value();
    choice.zeroTerminalSnr = m_base.zeroTerminalSnr;
    return choice;
}

void TrainingOptions::setSchedule(const ScheduleChoice& choice)
{
    showScheduleName(choice.name);
    if (choice.steps > 0)
        m_steps->setValue(choice.steps);
    m_base.zeroTerminalSnr = choice.zeroTerminalSnr; // no control of its own: settings() passes it on
}

void TrainingOptions::showScheduleName(const QString& name)
{
    const QSignalBlocker block(m_schedule);
    if (m_schedule->findText(name) < 0 && name.startsWith(QLatin1String("custom:")))
        m_schedule->addItem(name);
    selectText(m_schedule, name);
}

TrainingSettings TrainingOptions::settings() const
{
    TrainingSettings s;
    s.config = m_base;
    ddpm::TrainConfig& c = s.config;
    c.data = dataSpec().toStdString();
    c.model = dataIsImages() ? "unet" : "mlp";
    c.preset = m_preset->currentData().toString().toStdString();
    c.imageSize = dataIsImages() ? m_imageSize->value() : 0;
    c.schedule = m_schedule->currentText().toStdString();
    c.diffusionSteps = m_steps->value();
    c.prediction = m_prediction->currentText().toStdString();
    c.variance = m_variance->currentText().toStdString();
    c.loss = m_loss->currentText().toStdString();
    c.tSampling = m_tSampling->currentText().toStdString();
    c.batch = m_batch->value();
    c.lr = m_lr->value();
    c.warmup = m_warmup->value();
    c.gradClip = m_gradClip->value();
    c.emaDecay = m_ema->value();
    c.seed = static_cast<std::uint64_t>(m_seed->value());
    c.precision = m_precision->currentText().toStdString();
    c.steps = m_trainSteps->value();
    c.sampleEvery = m_sampleEvery->value();
    c.sampleCount = m_sampleCount->value();
    c.sampleSteps = std::min(m_sampleSteps->currentData().toInt(), m_steps->value()); // DDIM on at most T steps
    s.runDir = m_runFolder->text().trimmed();
    return s;
}

void TrainingOptions::setSettings(const TrainingSettings& settings)
{
    const ddpm::TrainConfig& c = settings.config;
    // Fields without a control (checkpoint interval, kept checkpoints, flips, ...) pass through.
    m_base = c;
    const QString data = QString::fromStdString(c.data);
    {
        const QSignalBlocker block(this);
        if (data.startsWith(QLatin1String("folder:"))) {
            m_folder->setText(data.mid(7));
            selectData(m_data, kFolder);
        } else {
            selectData(m_data, data);
        }
        fillPresets();
        onDataChanged();
        m_imageSize->setValue(c.imageSize);
        if (!c.preset.empty())
            selectData(m_preset, QString::fromStdString(c.preset));
        showScheduleName(QString::fromStdString(c.schedule));
        m_steps->setValue(c.diffusionSteps);
        selectText(m_prediction, QString::fromStdString(c.prediction));
        selectText(m_variance, QString::fromStdString(c.variance));
        updateLossChoices();
        selectText(m_loss, QString::fromStdString(c.loss));
        selectText(m_tSampling, QString::fromStdString(c.tSampling));
        m_batch->setValue(c.batch);
        m_lr->setValue(c.lr);
        m_warmup->setValue(c.warmup);
        m_gradClip->setValue(c.gradClip);
        m_ema->setValue(c.emaDecay);
        m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(c.seed, std::numeric_limits<int>::max())));
        selectText(m_precision, QString::fromStdString(c.precision));
        m_trainSteps->setValue(static_cast<int>(std::min<long long>(c.steps, 1000000000)));
        m_sampleEvery->setValue(static_cast<int>(std::min<long long>(c.sampleEvery, 1000000000)));
        m_sampleCount->setValue(c.sampleCount);
        selectPreviewSteps(c.sampleSteps);
        if (!settings.runDir.isEmpty())
            m_runFolder->setText(settings.runDir);
    }
    Q_EMIT modelInputsChanged();
}

TrainingOptions::Unshown TrainingOptions::unshown(const ddpm::TrainConfig& config) const
{
    const auto object = [](const ddpm::TrainConfig& c) {
        return QJsonDocument::fromJson(QByteArray::fromStdString(c.toJson())).object();
    };
    const auto text = [](const QJsonValue& v) {
        return v.isString() ? v.toString() : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    };
    // The keys no control shows (they pass through m_base); "threads" is the page's setting.
    static const QStringList withoutControl = {
        QStringLiteral("zero_terminal_snr"), QStringLiteral("weight_decay"), QStringLiteral("flip"),
        QStringLiteral("device"), QStringLiteral("checkpoint_every"), QStringLiteral("keep"), QStringLiteral("log_every")};
    const QJsonObject file = object(config);
    const QJsonObject shown = object(settings().config);
    const QJsonObject defaults = object(ddpm::TrainConfig{});
    Unshown out;
    for (auto it = file.begin(); it != file.end(); ++it) {
        const QString& key = it.key();
        if (key == QLatin1String("version"))
            continue;
        if (key == QLatin1String("threads")) {
            if (it.value() != defaults.value(key))
                out.replaced << tr("threads = %1 (Settings › Compute threads decides)").arg(text(it.value()));
        } else if (withoutControl.contains(key)) {
            if (it.value() != defaults.value(key))
                out.kept << QStringLiteral("%1 = %2").arg(key, text(it.value()));
        } else if (it.value() != shown.value(key)) {
            // An empty model or preset picks from the data, as the controls do.
            const bool picked = (key == QLatin1String("model") || key == QLatin1String("preset")) && it.value().toString().isEmpty();
            if (!picked)
                out.replaced << tr("%1 = %2 (shown: %3)").arg(key, text(it.value()), text(shown.value(key)));
        }
    }
    return out;
}

void TrainingOptions::selectPreviewSteps(int steps)
{
    int i = m_sampleSteps->findData(steps);
    if (i < 0) {
        // Another K (an experiment's): one more choice, in place of an earlier one.
        if (m_sampleSteps->count() > 2)
            m_sampleSteps->removeItem(2);
        m_sampleSteps->addItem(QString(), steps);
        i = m_sampleSteps->count() - 1;
    }
    m_sampleSteps->setCurrentIndex(i);
    updatePreviewChoices();
}

void TrainingOptions::updatePreviewChoices()
{
    for (int i = 0; i < m_sampleSteps->count(); ++i) {
        const int k = m_sampleSteps->itemData(i).toInt();
        if (k > 0)
            m_sampleSteps->setItemText(i, k == kPreviewDdimSteps ? tr("DDIM, %1 steps (fast)").arg(std::min(k, m_steps->value()))
                                                                 : tr("DDIM, %1 steps").arg(std::min(k, m_steps->value())));
    }
}

void TrainingOptions::browseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Image folder"), m_folder->text());
    if (dir.isEmpty())
        return;
    m_folder->setText(dir);
    Q_EMIT modelInputsChanged();
}

void TrainingOptions::browseRunFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Run folder"), m_runFolder->text());
    if (!dir.isEmpty())
        m_runFolder->setText(dir);
}

void TrainingOptions::saveSettings(QSettings& settings) const
{
    TrainingSettings s = this->settings();
    settings.setValue(kConfigKey, QString::fromStdString(s.config.toJson()));
    settings.setValue(kRunFolderKey, s.runDir);
}

void TrainingOptions::restoreSettings(const QSettings& settings)
{
    const QString json = settings.value(kConfigKey).toString();
    if (json.isEmpty())
        return;
    TrainingSettings s;
    try {
        s.config = ddpm::TrainConfig::fromJson(json.toStdString());
    } catch (const ddpm::Error&) {
        return; // settings of an older version: keep the defaults
    }
    // Saved before the page had a choice of preview sampler: the page's default, not the CLI's.
    if (!QJsonDocument::fromJson(json.toUtf8()).object().contains(QStringLiteral("sample_steps")))
        s.config.sampleSteps = kPreviewDdimSteps;
    setSettings(s);
    m_runFolder->setText(settings.value(kRunFolderKey).toString());
}

} // namespace ddpm::ui
