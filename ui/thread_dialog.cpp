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

ThreadDialog::ThreadDialog(int choice, int current, QWidget* parent)
    : QDialog(parent)
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
    layout->addWidget(buttons);
    setChoice(choice);
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
