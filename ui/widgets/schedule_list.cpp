#include "widgets/schedule_list.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

#include "widgets/schedule_selector.h"

namespace ddpm::ui {

namespace {

/// Okabe-Ito colours: distinct for most forms of colour blindness (yellow left out: too pale on white).
const QList<QColor>& plotColours()
{
    static const QList<QColor> colours = {
        QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x9E, 0x73),
        QColor(0xCC, 0x79, 0xA7), QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
        QColor(0x33, 0x33, 0x33), QColor(0x99, 0x99, 0x99),
    };
    return colours;
}

ShownSchedule build(const ScheduleChoice& choice, const QColor& colour)
{
    auto schedule = std::make_shared<const NoiseSchedule>(choice.build());
    // A custom file sets T: the row, legend and readout show the file's T.
    return ShownSchedule{choice.resolvedBy(*schedule), schedule, colour};
}

} // namespace

QPixmap colourSwatch(const QColor& colour)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(colour);
    return pixmap;
}

ScheduleList::ScheduleList(QWidget* parent)
    : QGroupBox(tr("Schedules to compare"), parent)
{
    auto* listLayout = new QVBoxLayout(this);
    // The rows scroll past kVisibleRows, so many schedules never squeeze the plots below.
    auto* rows = new QWidget(this);
    m_rowLayout = new QVBoxLayout(rows);
    m_rowLayout->setContentsMargins(0, 0, 0, 0);
    m_rowLayout->setSpacing(2);
    m_rowLayout->addStretch(1);
    m_rowScroll = new QScrollArea(this);
    m_rowScroll->setObjectName(QStringLiteral("scheduleRows"));
    m_rowScroll->setWidget(rows);
    m_rowScroll->setWidgetResizable(true);
    m_rowScroll->setFrameShape(QFrame::NoFrame);
    m_rowScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_rowScroll->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    listLayout->addWidget(m_rowScroll);
    m_addButton = new QPushButton(tr("Add schedule"), this);
    m_addButton->setToolTip(tr("Add another schedule to the plots"));
    // Use on every page: a menu of the shown schedules, filled when it opens.
    m_useButton = new QToolButton(this);
    m_useButton->setObjectName(QStringLiteral("useSchedule"));
    m_useButton->setText(tr("Use on every page"));
    m_useButton->setToolTip(tr("Make one of these schedules the one the Forward process, the Bound, the Training "
                               "settings and the Reverse chain's oracle use"));
    m_useButton->setPopupMode(QToolButton::InstantPopup);
    m_useButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* useMenu = new QMenu(m_useButton);
    m_useButton->setMenu(useMenu);
    connect(useMenu, &QMenu::aboutToShow, this, [this, useMenu] { fillUseMenu(useMenu); });
    auto* addRow = new QHBoxLayout;
    addRow->addWidget(m_addButton);
    addRow->addWidget(m_useButton);
    addRow->addStretch(1);
    listLayout->addLayout(addRow);
    listLayout->addStretch(1);
    connect(m_addButton, &QPushButton::clicked, this, &ScheduleList::addNext);
}

ScheduleList::~ScheduleList() = default;

QList<ScheduleChoice> ScheduleList::choices() const
{
    QList<ScheduleChoice> out;
    for (const ShownSchedule& shown : m_shown)
        out << shown.choice;
    return out;
}

int ScheduleList::maxSteps() const
{
    int T = 1;
    for (const ShownSchedule& shown : m_shown)
        T = std::max(T, shown.schedule->steps());
    return T;
}

bool ScheduleList::setChoices(const QList<ScheduleChoice>& choices)
{
    if (choices.isEmpty()) {
        Q_EMIT failed(tr("Show at least one schedule."));
        return false;
    }
    std::vector<ShownSchedule> shown;
    for (const ScheduleChoice& choice : choices) {
        try {
            shown.push_back(build(choice, plotColours().at(static_cast<int>(shown.size()) % plotColours().size())));
        } catch (const std::exception& e) {
            Q_EMIT failed(tr("Cannot show the schedule %1: %2").arg(choice.withoutFileSteps().label(), QString::fromUtf8(e.what())));
            return false;
        }
    }
    for (RowWidgets& row : m_rows)
        discardRow(row);
    m_shown = std::move(shown);
    m_rows.clear();
    for (const ShownSchedule& s : m_shown)
        m_rows.push_back(makeRow(s));
    finishChange();
    return true;
}

bool ScheduleList::add(const ScheduleChoice& choice)
{
    try {
        m_shown.push_back(build(choice, unusedColour()));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot add the schedule %1: %2").arg(choice.withoutFileSteps().label(), QString::fromUtf8(e.what())));
        return false;
    }
    m_rows.push_back(makeRow(m_shown.back()));
    finishChange();
    return true;
}

bool ScheduleList::setAt(int index, const ScheduleChoice& choice)
{
    if (index < 0 || index >= static_cast<int>(m_shown.size()))
        return false;
    ShownSchedule& shown = m_shown[static_cast<std::size_t>(index)];
    ScheduleSelector* selector = m_rows[static_cast<std::size_t>(index)].selector;
    try {
        auto schedule = std::make_shared<const NoiseSchedule>(choice.build());
        shown.choice = choice.resolvedBy(*schedule);
        shown.schedule = std::move(schedule);
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot show the schedule %1: %2").arg(choice.withoutFileSteps().label(), QString::fromUtf8(e.what())));
        selector->setChoice(shown.choice); // the controls go back to what is shown
        return false;
    }
    selector->setChoice(shown.choice);
    finishChange();
    return true;
}

bool ScheduleList::remove(int index)
{
    if (index < 0 || index >= static_cast<int>(m_shown.size()) || m_shown.size() <= 1)
        return false;
    discardRow(m_rows[static_cast<std::size_t>(index)]);
    m_rows.erase(m_rows.begin() + index);
    m_shown.erase(m_shown.begin() + index);
    finishChange();
    return true;
}

void ScheduleList::addNext()
{
    ScheduleChoice next;
    next.steps = m_shown.empty() ? 1000 : std::max(1, m_shown.back().schedule->steps());
    // The first named schedule not shown yet at that T.
    for (const std::string& name : NoiseSchedule::namedSchedules()) {
        next.name = QString::fromStdString(name);
        const bool isShown = std::any_of(m_shown.begin(), m_shown.end(), [&](const ShownSchedule& s) {
            return s.choice.name == next.name && s.choice.steps == next.steps;
        });
        if (!isShown)
            break;
    }
    add(next);
}

void ScheduleList::finishChange()
{
    for (RowWidgets& row : m_rows)
        row.remove->setEnabled(m_rows.size() > 1);
    fitRows();
    fixTabOrder();
    Q_EMIT changed();
}

void ScheduleList::fixTabOrder()
{
    // Tab walks the rows top to bottom, then Add and Use, where the list stands in the page.
    // Qt's default order is creation order, which puts rows made after the page's other
    // controls (every row but the first ones, and those made when settings are restored) last.
    QList<QWidget*> group;
    for (const RowWidgets& row : m_rows) {
        for (QWidget* w : row.widget->findChildren<QWidget*>()) {
            const QWidget* parent = w->parentWidget();
            const bool inner = qobject_cast<const QAbstractSpinBox*>(parent) || qobject_cast<const QComboBox*>(parent);
            // A combo box's popup list is a window of its own: not in the tab chain.
            if ((w->focusPolicy() & Qt::TabFocus) && !inner && w->window() == window())
                group << w;
        }
    }
    group << m_addButton << m_useButton;
    // The anchor: the nearest widget before the group in the window's focus chain.
    QWidget* anchor = m_addButton->previousInFocusChain();
    for (int guard = 0; anchor && group.contains(anchor) && guard < 10000; ++guard)
        anchor = anchor->previousInFocusChain();
    if (!anchor || group.contains(anchor))
        return;
    QWidget* previous = anchor;
    for (QWidget* w : group) {
        QWidget::setTabOrder(previous, w);
        previous = w;
    }
}

void ScheduleList::changeEvent(QEvent* event)
{
    QGroupBox::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitRows(); // the rows grow with the font (presentation mode)
}

void ScheduleList::fitRows()
{
    // As tall as the rows, up to kVisibleRows of them; more scroll.
    const int rowHeight = m_rows.empty() ? 0 : m_rows.front().widget->sizeHint().height();
    const int visible = std::min(static_cast<int>(m_rows.size()), kVisibleRows);
    const int spacing = m_rowLayout->spacing();
    m_rowScroll->setFixedHeight(std::max(0, visible * (rowHeight + spacing) - spacing));
    int width = 0;
    for (const RowWidgets& row : m_rows)
        width = std::max(width, row.widget->sizeHint().width());
    m_rowScroll->setMinimumWidth(width + m_rowScroll->verticalScrollBar()->sizeHint().width());
}

QColor ScheduleList::unusedColour() const
{
    for (const QColor& colour : plotColours()) {
        const bool used = std::any_of(m_shown.begin(), m_shown.end(), [&](const ShownSchedule& s) { return s.colour == colour; });
        if (!used)
            return colour;
    }
    return plotColours().at(static_cast<int>(m_shown.size()) % plotColours().size());
}

void ScheduleList::fillUseMenu(QMenu* menu)
{
    menu->clear();
    for (const ShownSchedule& shown : m_shown) {
        const ScheduleChoice choice = shown.choice;
        QAction* action = menu->addAction(QIcon(colourSwatch(shown.colour)), choice.label());
        connect(action, &QAction::triggered, this, [this, choice] { Q_EMIT useRequested(choice); });
    }
}

int ScheduleList::rowOf(const QWidget* widget) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].widget == widget)
            return static_cast<int>(i);
    return -1;
}

ScheduleList::RowWidgets ScheduleList::makeRow(const ShownSchedule& shown)
{
    RowWidgets row;
    row.widget = new QWidget(this);
    auto* layout = new QHBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* colourLabel = new QLabel(row.widget);
    colourLabel->setPixmap(colourSwatch(shown.colour));
    colourLabel->setToolTip(tr("Colour of this schedule in the plots"));
    row.selector = new ScheduleSelector(row.widget);
    row.selector->setChoice(shown.choice);
    row.selector->setNameLabelVisible(false); // the box's title says what every row is; narrower rows
    row.remove = new QToolButton(row.widget);
    row.remove->setText(tr("Remove"));
    row.remove->setToolTip(tr("Remove this schedule from the plots"));
    layout->addWidget(colourLabel);
    layout->addWidget(row.selector);
    layout->addWidget(row.remove);
    layout->addStretch(1);
    m_rowLayout->insertWidget(m_rowLayout->count() - 1, row.widget); // above the stretch

    QWidget* widget = row.widget;
    connect(row.selector, &ScheduleSelector::choiceChanged, this, [this, widget](const ScheduleChoice& choice) {
        const int index = rowOf(widget);
        if (index >= 0 && choice != m_shown[static_cast<std::size_t>(index)].choice)
            setAt(index, choice);
    });
    connect(row.remove, &QToolButton::clicked, this, [this, widget] { remove(rowOf(widget)); });
    return row;
}

void ScheduleList::discardRow(RowWidgets& row)
{
    // Later, not now: the row's own Remove button may be the sender of the signal being handled.
    row.selector->disconnect(this);
    row.remove->disconnect(this);
    m_rowLayout->removeWidget(row.widget);
    row.widget->hide();
    row.widget->deleteLater();
    row.widget = nullptr;
}

} // namespace ddpm::ui
