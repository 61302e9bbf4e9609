#include "ddpm/thread_budget.h"

#include "thread_dialog.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>

namespace ddpm::ui {

QString threadSplitText(const ddpm::ThreadBudget& budget)
{
    const int training = budget.trainingThreads();
    if (training <= 0)
        return {};
    return QObject::tr("training %1, the other pages %2").arg(training).arg(budget.otherJobThreads());
}

QString threadRuleText(int total)
{
    const int training = ddpm::ThreadBudget::trainingShareOf(total);
    const int other = ddpm::ThreadBudget::otherShareOf(total, training);
    const QString work = QObject::tr("the other pages' work (a chain, the bound, the demonstrations, the forward process)");
    if (total < ddpm::ThreadBudget::kSplitFrom)
        return QObject::tr("While a run trains it keeps all %1 to its end (a resumed run keeps its own count), and %2 "
                           "keeps %1 too: below 4 threads the two take turns on the cores, which kept a chain faster "
                           "than giving it fewer.")
            .arg(total)
            .arg(work);
    return QObject::tr("While a run trains it keeps %1 threads to its end (a resumed run keeps its own count), and %2 "
                       "gets %3, so the two fill the %4 threads without taking turns.")
        .arg(training)
        .arg(work)
        .arg(other)
        .arg(total);
}

ThreadDialog::ThreadDialog(int choice, int current, QWidget* parent)
    : QDialog(parent), m_current(std::max(1, current))
{
    setWindowTitle(tr("Compute threads"));
    const int cores = std::max(1, QThread::idealThreadCount());
    auto* intro = new QLabel(tr("Threads torch uses for one operation (this machine has %1 cores). More is not "
                                "always faster: with other programs busy, fewer can win.")
                                 .arg(cores),
                             this);
    intro->setWordWrap(true);

    m_automatic = new QRadioButton(tr("Automatic: a short timed probe at every start picks the faster count"), this);
    m_automatic->setObjectName(QStringLiteral("threadsAutomatic"));
    m_fixed = new QRadioButton(tr("Fixed:"), this);
    m_fixed->setObjectName(QStringLiteral("threadsFixed"));
    auto* group = new QButtonGroup(this);
    group->addButton(m_automatic);
    group->addButton(m_fixed);
    m_count = new QSpinBox(this);
    m_count->setObjectName(QStringLiteral("threadCount"));
    m_count->setRange(1, kMaxThreads);
    m_count->setSuffix(tr(" threads"));
    m_count->setValue(std::clamp(current, 1, kMaxThreads));
    connect(m_fixed, &QRadioButton::toggled, m_count, &QWidget::setEnabled);
    m_rule = new QLabel(this);
    m_rule->setObjectName(QStringLiteral("threadRule"));
    m_rule->setWordWrap(true);
    connect(m_fixed, &QRadioButton::toggled, this, &ThreadDialog::updateRule);
    connect(m_count, qOverload<int>(&QSpinBox::valueChanged), this, &ThreadDialog::updateRule);

    auto* fixedRow = new QHBoxLayout;
    fixedRow->addWidget(m_fixed);
    fixedRow->addWidget(m_count);
    fixedRow->addStretch(1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_automatic);
    layout->addLayout(fixedRow);
    layout->addWidget(m_rule);
    layout->addWidget(buttons);
    setChoice(choice);
    updateRule();
}

void ThreadDialog::updateRule()
{
    // Automatic: the rule for the count the probe chose this session.
    m_rule->setText(threadRuleText(m_fixed->isChecked() ? m_count->value() : m_current));
}

int ThreadDialog::choice() const
{
    return m_automatic->isChecked() ? 0 : m_count->value();
}

void ThreadDialog::setChoice(int choice)
{
    if (choice <= 0) {
        m_automatic->setChecked(true);
        m_count->setEnabled(false);
    } else {
        m_fixed->setChecked(true);
        m_count->setEnabled(true);
        m_count->setValue(std::min(choice, kMaxThreads));
    }
}

} // namespace ddpm::ui
