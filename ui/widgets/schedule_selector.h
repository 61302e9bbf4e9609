// A compact row of controls choosing one schedule: name (named or custom file), T, zero-terminal
// SNR. In a column that may be narrow, the row can wrap: the name, T and the checkbox move to
// further lines where one line has no room.
#pragma once

#include <QWidget>

#include "schedule_choice.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace ddpm::ui {

class ScheduleSelector : public QWidget {
    Q_OBJECT
public:
    /// OneRow keeps its controls on one line (rows of a list line up); Wrapping starts a new
    /// line where the width runs out (a settings column).
    enum class Arrangement { OneRow, Wrapping };

    explicit ScheduleSelector(QWidget* parent = nullptr, Arrangement arrangement = Arrangement::OneRow);

    /// What the controls hold; a custom file's steps is 0 (its T comes from the file).
    ScheduleChoice choice() const;
    /// Sets the controls without emitting choiceChanged; a custom choice's T box is read-only.
    void setChoice(const ScheduleChoice& choice);
    /// Shows or hides the "Schedule" label before the name (shown by default): a list whose
    /// rows are all schedules needs no label in every row, and its rows are narrower without.
    void setNameLabelVisible(bool visible);

Q_SIGNALS:
    /// Emitted when the user changes any control. The choice is not validated here.
    void choiceChanged(const ddpm::ui::ScheduleChoice& choice);

protected:
    void changeEvent(QEvent* event) override;

private:
    void browseCustomFile();
    /// One width for the T box, arrows or not, in the current font.
    void fitStepsWidth();
    void emitChoice();
    void updateStepsEditable(bool custom);

    QLabel* m_nameLabel = nullptr;
    QComboBox* m_name = nullptr;
    QSpinBox* m_steps = nullptr;
    QCheckBox* m_zeroTerminalSnr = nullptr;
    QString m_customPath;
};

} // namespace ddpm::ui
