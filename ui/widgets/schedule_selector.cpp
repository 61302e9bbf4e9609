#include "widgets/schedule_selector.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>

#include "ddpm/schedule.h"
#include "widgets/flow_layout.h"

namespace ddpm::ui {

namespace {
const QString kCustomItem = QStringLiteral("custom file…");
}

ScheduleSelector::ScheduleSelector(QWidget* parent, Arrangement arrangement)
    : QWidget(parent)
{
    m_name = new QComboBox(this);
    for (const std::string& name : NoiseSchedule::namedSchedules())
        m_name->addItem(QString::fromStdString(name), QString::fromStdString(name));
    m_name->addItem(kCustomItem, QString());
    m_name->setToolTip(tr("The noise schedule β₁ … β_T: the variance of the Gaussian noise added at each step "
                          "(Eq. 2).\nlinear is the paper's (10⁻⁴ to 0.02 at T = 1000); cosine keeps more of the "
                          "signal for longer (improved DDPM); custom file: one β per line."));
    // One width for every row, whatever the item (a long custom file name is elided), so the
    // T box, the checkbox and the buttons after it line up from row to row.
    m_name->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_name->setMinimumContentsLength(13);

    m_steps = new QSpinBox(this);
    m_steps->setRange(1, NoiseSchedule::kMaxSteps);
    m_steps->setValue(1000);
    m_steps->setAccelerated(true);
    fitStepsWidth();
    updateStepsEditable(false);

    m_zeroTerminalSnr = new QCheckBox(tr("Zero-terminal SNR"), this);
    m_zeroTerminalSnr->setToolTip(tr("Rescale the schedule so that ᾱ_T = 0: the last step keeps no signal, "
                                     "its SNR is 0 (Lin et al. 2024). The bound's L_T is then undefined."));

    m_nameLabel = new QLabel(tr("Schedule"), this);
    auto* stepsLabel = new QLabel(tr("T"), this);
    if (arrangement == Arrangement::OneRow) {
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_nameLabel);
        layout->addWidget(m_name);
        layout->addWidget(stepsLabel);
        layout->addWidget(m_steps);
        layout->addWidget(m_zeroTerminalSnr);
    } else {
        // Three pieces that a line break may separate: the name with its label, T with its
        // label, the checkbox.
        auto* layout = new FlowLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        const auto piece = [](QWidget* label, QWidget* field) {
            auto* pair = new QHBoxLayout;
            pair->setContentsMargins(0, 0, 0, 0);
            pair->addWidget(label);
            pair->addWidget(field, 1);
            return pair;
        };
        layout->addLayout(piece(m_nameLabel, m_name));
        layout->addLayout(piece(stepsLabel, m_steps));
        layout->addWidget(m_zeroTerminalSnr);
    }

    connect(m_name, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        if (m_name->itemData(index).toString().isEmpty()) {
            browseCustomFile();
        } else {
            updateStepsEditable(false);
            emitChoice();
        }
    });
    // Arrows and wheel emit at once; typed digits only on Enter or focus out (no keyboard
    // tracking), so typing 1000 does not build schedules for T = 1, 10 and 100 on the way.
    m_steps->setKeyboardTracking(false);
    connect(m_steps, qOverload<int>(&QSpinBox::valueChanged), this, &ScheduleSelector::emitChoice);
    connect(m_zeroTerminalSnr, &QCheckBox::toggled, this, &ScheduleSelector::emitChoice);
}

void ScheduleSelector::setNameLabelVisible(bool visible)
{
    m_nameLabel->setVisible(visible);
}

ScheduleChoice ScheduleSelector::choice() const
{
    ScheduleChoice c;
    const QString data = m_name->currentData().toString();
    c.name = data.isEmpty() ? QStringLiteral("custom:") + m_customPath : data;
    // A custom file sets T itself: 0 until the page has read it and shows its T here.
    c.steps = data.isEmpty() ? 0 : m_steps->value();
    c.zeroTerminalSnr = m_zeroTerminalSnr->isChecked();
    return c;
}

void ScheduleSelector::setChoice(const ScheduleChoice& choice)
{
    const QSignalBlocker b1(m_name), b2(m_steps), b3(m_zeroTerminalSnr);
    if (choice.name.startsWith(QStringLiteral("custom:"))) {
        m_customPath = choice.name.mid(7);
        m_name->setCurrentIndex(m_name->count() - 1);
        m_name->setItemText(m_name->count() - 1, QStringLiteral("custom: ") + m_customPath.section(QLatin1Char('/'), -1));
    } else {
        const int index = m_name->findData(choice.name);
        m_name->setCurrentIndex(index >= 0 ? index : 0);
    }
    if (choice.steps > 0)
        m_steps->setValue(choice.steps);
    updateStepsEditable(choice.isCustom());
    m_zeroTerminalSnr->setChecked(choice.zeroTerminalSnr);
}

void ScheduleSelector::updateStepsEditable(bool custom)
{
    // A custom file's T is its number of betas: shown, not editable.
    m_steps->setReadOnly(custom);
    m_steps->setButtonSymbols(custom ? QAbstractSpinBox::NoButtons : QAbstractSpinBox::UpDownArrows);
    m_steps->setToolTip(custom ? tr("T of the custom file: its number of betas (one per line)")
                               : tr("T, the number of diffusion steps: x₁ … x_T, and x_T is close to pure noise N(0, I)"));
}

void ScheduleSelector::fitStepsWidth()
{
    // One width, arrows or not (read-only for a custom file), so the rows stay in line.
    m_steps->setMinimumWidth(0);
    m_steps->setMaximumWidth(QWIDGETSIZE_MAX);
    const QAbstractSpinBox::ButtonSymbols symbols = m_steps->buttonSymbols();
    m_steps->setButtonSymbols(QAbstractSpinBox::UpDownArrows);
    m_steps->setFixedWidth(m_steps->sizeHint().width());
    m_steps->setButtonSymbols(symbols);
}

void ScheduleSelector::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitStepsWidth(); // the digits grow with the font (presentation mode)
}

void ScheduleSelector::browseCustomFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Custom beta schedule (one beta per line)"),
                                                      m_customPath, tr("Text files (*.txt *.csv);;All files (*)"));
    if (path.isEmpty()) {
        // Keep the previous choice: put the combo back where it was.
        const QSignalBlocker block(m_name);
        if (m_customPath.isEmpty())
            m_name->setCurrentIndex(0);
        updateStepsEditable(!m_customPath.isEmpty());
        emitChoice();
        return;
    }
    m_customPath = path;
    updateStepsEditable(true);
    m_name->setItemText(m_name->count() - 1, QStringLiteral("custom: ") + path.section(QLatin1Char('/'), -1));
    emitChoice();
}

void ScheduleSelector::emitChoice()
{
    Q_EMIT choiceChanged(choice());
}

} // namespace ddpm::ui
