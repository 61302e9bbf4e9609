#include "widgets/forward_controls.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QButtonGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "widgets/elided_label.h"
#include "widgets/number_text.h"
#include "widgets/schedule_selector.h"
#include "widgets/slider_player.h"

namespace ddpm::ui {

namespace {

constexpr int kDefaultResolution = 128;

/// The gap between two groups of a row: 12 px where the row has room, less where it has not
/// (presentation mode's font), so a gap never sets the page's minimum width.
void addGroupGap(QHBoxLayout* row)
{
    row->addSpacerItem(new QSpacerItem(12, 0, QSizePolicy::Maximum, QSizePolicy::Minimum));
}

} // namespace

QList<int> ForwardControls::resolutions()
{
    return {32, 64, 128, 256, 512, 0};
}

ForwardControls::ForwardControls(QWidget* parent)
    : QWidget(parent)
{
    // Image and schedule.
    m_openButton = new QPushButton(tr("Open image…"), this);
    m_openButton->setToolTip(tr("Open another image (or drop an image file onto this page)"));
    m_imageInfo = new ElidedLabel(this);
    m_imageInfo->setObjectName(QStringLiteral("imageInfo"));
    // A long file name must not set the page's minimum width: it ends in "…" where the row
    // cuts it (the tooltip has the whole path).
    m_imageInfo->setMinimumWidth(80);
    m_imageInfo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_selector = new ScheduleSelector(this);
    m_exportButton = new QPushButton(tr("Export PNG…"), this);
    m_exportButton->setToolTip(tr("Save the images, strip and histogram as one PNG"));

    auto* row1 = new QHBoxLayout;
    row1->addWidget(m_openButton);
    row1->addWidget(m_imageInfo, 1);
    row1->addWidget(m_selector);
    addGroupGap(row1);
    row1->addWidget(m_exportButton);

    // Resolution, seed, mode.
    m_resolution = new QComboBox(this);
    for (int r : resolutions())
        m_resolution->addItem(r > 0 ? QStringLiteral("%1 × %1").arg(r) : tr("original"), r);
    m_resolution->setCurrentIndex(m_resolution->findData(kDefaultResolution));
    m_resolution->setToolTip(tr("The image is scaled and centre-cropped to N × N pixels; x₀ is that picture "
                                "with its values mapped to [−1, 1]"));

    m_seed = new QSpinBox(this);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of the noise ε (and of each step's noise in the Markov chain): "
                          "the same seed gives the same xₜ"));
    auto* newSeed = new QPushButton(tr("New seed"), this);
    newSeed->setToolTip(tr("Draw another seed: new noise ε, the same distribution q(xₜ | x₀)"));
    connect(newSeed, &QPushButton::clicked, this,
            [this] { m_seed->setValue(static_cast<int>(QRandomGenerator::global()->bounded(1000000))); });

    m_closedForm = new QRadioButton(tr("closed form"), this);
    m_closedForm->setToolTip(tr("xₜ in one draw: xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε with ε ~ N(0, I) (Eq. 4)"));
    m_chain = new QRadioButton(tr("Markov chain"), this);
    m_chain->setToolTip(tr("xₜ walked step by step: xₛ = √(1 − βₛ) xₛ₋₁ + √βₛ εₛ for s = 1 … t, "
                           "fresh noise εₛ each step (Eq. 2)"));
    m_compare = new QRadioButton(tr("compare both"), this);
    m_compare->setToolTip(tr("xₜ by the closed form and by the Markov chain side by side (same t and seed): "
                             "different pixels, the same distribution"));
    m_closedForm->setChecked(true);
    m_modeGroup = new QButtonGroup(this);
    m_modeGroup->addButton(m_closedForm, static_cast<int>(ForwardMode::ClosedForm));
    m_modeGroup->addButton(m_chain, static_cast<int>(ForwardMode::MarkovChain));
    m_modeGroup->addButton(m_compare, static_cast<int>(ForwardMode::Compare));

    auto* row2 = new QHBoxLayout;
    row2->addWidget(new QLabel(tr("Resolution"), this));
    row2->addWidget(m_resolution);
    addGroupGap(row2);
    row2->addWidget(new QLabel(tr("Seed"), this));
    row2->addWidget(m_seed);
    row2->addWidget(newSeed);
    addGroupGap(row2);
    row2->addWidget(m_closedForm);
    row2->addWidget(m_chain);
    row2->addWidget(m_compare);
    row2->addStretch(1);

    // t.
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setTracking(true);
    m_slider->setToolTip(tr("The diffusion step t, 1 … T: how many noising steps x₀ has taken. "
                            "As t grows, ᾱₜ falls and xₜ turns into noise"));
    m_tSpin = new QSpinBox(this);
    m_tSpin->setKeyboardTracking(false);
    m_tSpin->setToolTip(m_slider->toolTip());
    m_player = new SliderPlayer(m_slider, this);
    m_scheduleReadout = new QLabel(this);
    m_scheduleReadout->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("ᾱ_t = 0.00000000   SNR = 0.00000000")));
    m_scheduleReadout->setToolTip(tr("ᾱₜ = α₁ ⋯ αₜ: the share of x₀'s variance left in xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε (Eq. 4).\n"
                                     "SNR = ᾱₜ / (1 − ᾱₜ): the signal's power over the noise's; below 1 the noise dominates."));
    auto* row3 = new QHBoxLayout;
    row3->addWidget(new QLabel(tr("t"), this));
    row3->addWidget(m_slider, 1);
    row3->addWidget(m_tSpin);
    row3->addWidget(m_player);
    addGroupGap(row3);
    row3->addWidget(m_scheduleReadout);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row1);
    layout->addLayout(row2);
    layout->addLayout(row3);

    // Wiring.
    connect(m_openButton, &QPushButton::clicked, this, &ForwardControls::openRequested);
    connect(m_exportButton, &QPushButton::clicked, this, &ForwardControls::exportRequested);
    connect(m_selector, &ScheduleSelector::choiceChanged, this, &ForwardControls::scheduleChosen);
    connect(m_slider, &QSlider::valueChanged, this, [this](int t) {
        {
            const QSignalBlocker block(m_tSpin);
            m_tSpin->setValue(t);
        }
        Q_EMIT tChanged(t);
    });
    connect(m_tSpin, qOverload<int>(&QSpinBox::valueChanged), m_slider, &QSlider::setValue);
    connect(m_resolution, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { Q_EMIT frameSettingsChanged(); });
    connect(m_seed, qOverload<int>(&QSpinBox::valueChanged), this, [this] { Q_EMIT frameSettingsChanged(); });
    connect(m_modeGroup, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            Q_EMIT frameSettingsChanged();
    });
}

int ForwardControls::t() const
{
    return m_slider->value();
}

void ForwardControls::setT(int t)
{
    m_slider->setValue(t);
}

void ForwardControls::setSteps(int steps, int t)
{
    const QSignalBlocker b1(m_slider), b2(m_tSpin);
    m_slider->setRange(1, steps);
    m_slider->setPageStep(std::max(1, steps / 20));
    m_tSpin->setRange(1, steps);
    m_slider->setValue(t);
    m_tSpin->setValue(t);
}

quint64 ForwardControls::seed() const
{
    return static_cast<quint64>(m_seed->value());
}

void ForwardControls::setSeed(quint64 seed)
{
    m_seed->setValue(static_cast<int>(std::min<quint64>(seed, static_cast<quint64>(m_seed->maximum()))));
}

ForwardMode ForwardControls::mode() const
{
    if (m_compare->isChecked())
        return ForwardMode::Compare;
    return m_chain->isChecked() ? ForwardMode::MarkovChain : ForwardMode::ClosedForm;
}

void ForwardControls::setMode(ForwardMode mode)
{
    QRadioButton* button = m_closedForm;
    if (mode == ForwardMode::MarkovChain)
        button = m_chain;
    else if (mode == ForwardMode::Compare)
        button = m_compare;
    button->setChecked(true);
}

int ForwardControls::resolution() const
{
    return m_resolution->currentData().toInt();
}

void ForwardControls::setResolution(int resolution)
{
    const int index = m_resolution->findData(resolution);
    if (index >= 0)
        m_resolution->setCurrentIndex(index);
}

void ForwardControls::setChoice(const ScheduleChoice& choice)
{
    m_selector->setChoice(choice);
}

void ForwardControls::setImageInfo(const QString& text, const QString& toolTip)
{
    m_imageInfo->setText(text);
    m_imageInfo->setToolTip(toolTip);
}

void ForwardControls::setScheduleValues(double alphaBar, double snr)
{
    m_scheduleReadout->setText(tr("ᾱₜ = %1   SNR = %2").arg(numberText(alphaBar), numberText(snr)));
}

} // namespace ddpm::ui
