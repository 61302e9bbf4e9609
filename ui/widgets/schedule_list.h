// The Schedule page's list of schedules to compare: one row per schedule (its colour, a
// ScheduleSelector and a Remove button), an Add button and a "Use on every page" menu. Each row's core schedule is built
// once when its choice changes; a choice core rejects is reported and the list stays as it was.
#pragma once

#include <QColor>
#include <QGroupBox>
#include <QList>
#include <QPixmap>

#include <memory>
#include <vector>

#include "ddpm/schedule.h"
#include "schedule_choice.h"

class QMenu;
class QPushButton;
class QScrollArea;
class QToolButton;
class QVBoxLayout;

namespace ddpm::ui {

class ScheduleSelector;

/// One schedule as it is shown: what the user chose, core's tables for it (float64, index
/// t - 1 for t = 1..T) and its colour in the plots.
struct ShownSchedule {
    ScheduleChoice choice;
    std::shared_ptr<const ddpm::NoiseSchedule> schedule;
    QColor colour;
};

class ScheduleList : public QGroupBox {
    Q_OBJECT
public:
    /// Rows shown at once; more scroll.
    static constexpr int kVisibleRows = 3;

    explicit ScheduleList(QWidget* parent = nullptr);
    ~ScheduleList() override;

    /// The schedules in legend order (never empty once setChoices has succeeded).
    const std::vector<ShownSchedule>& shown() const { return m_shown; }
    QList<ScheduleChoice> choices() const;
    /// The largest T among the shown schedules (1 when there are none).
    int maxSteps() const;

    /// Replaces every row. An empty list or a choice core rejects emits failed and changes nothing.
    bool setChoices(const QList<ScheduleChoice>& choices);
    /// Appends a row in the first colour no row uses; a bad choice emits failed.
    bool add(const ScheduleChoice& choice);
    /// Replaces row `index` (0-based); a bad choice emits failed and the row's controls go back.
    bool setAt(int index, const ScheduleChoice& choice);
    /// Removes row `index`; the last row cannot be removed (returns false, no message).
    bool remove(int index);

Q_SIGNALS:
    /// The shown schedules changed (after every successful set, add, replace or remove).
    void changed();
    /// A choice was rejected; the message names it and says why.
    void failed(const QString& message);
    /// Chosen in the "Use on every page" menu: make this shown schedule the one every page
    /// uses (studio_state.h).
    void useRequested(const ddpm::ui::ScheduleChoice& choice);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct RowWidgets {
        QWidget* widget = nullptr;
        ScheduleSelector* selector = nullptr;
        QToolButton* remove = nullptr;
    };

    RowWidgets makeRow(const ShownSchedule& shown);
    void discardRow(RowWidgets& row);
    int rowOf(const QWidget* widget) const;
    void addNext();
    void fillUseMenu(QMenu* menu);
    /// Rows in list order, then Add and Use, in the window's Tab chain.
    void fixTabOrder();
    void finishChange();
    /// The rows' scroll area as tall as kVisibleRows rows and as wide as the widest row.
    void fitRows();
    QColor unusedColour() const;

    std::vector<ShownSchedule> m_shown;
    std::vector<RowWidgets> m_rows; ///< parallel to m_shown
    QVBoxLayout* m_rowLayout = nullptr;
    QScrollArea* m_rowScroll = nullptr;
    QPushButton* m_addButton = nullptr;
    QToolButton* m_useButton = nullptr;
};

/// A square of the colour, for labels and table icons.
QPixmap colourSwatch(const QColor& colour);

} // namespace ddpm::ui
