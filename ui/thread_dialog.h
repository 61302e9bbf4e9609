// The Settings › Compute threads dialog: "automatic" (a short timed probe at every start picks
// the count) or a fixed count of torch threads. The choice is a value: 0 for automatic, N >= 1
// for N threads; the main window applies and saves it. The dialog also says how the count is
// split while training runs (core's ThreadBudget), and so do the words below, which the status
// bar and the About box use.
#pragma once

#include <QDialog>
#include <QString>

class QLabel;
class QRadioButton;
class QSpinBox;

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

/// How the budget splits its threads now: empty while no training runs, else e.g. "training 2,
/// the other pages 1".
QString threadSplitText(const ddpm::ThreadBudget& budget);

/// The split a total gives while training runs, e.g. "While a run trains it keeps 7 threads
/// ... and the other pages' work ... gets 1, ..."
QString threadRuleText(int total);

class ThreadDialog : public QDialog {
    Q_OBJECT
public:
    /// The highest fixed count offered.
    static constexpr int kMaxThreads = 256;

    /// `current` is the count in use now (the spin box starts there when automatic is chosen).
    ThreadDialog(int choice, int current, QWidget* parent = nullptr);

    /// 0 for automatic, else the fixed count.
    int choice() const;
    void setChoice(int choice);

private:
    void updateRule();

    int m_current = 1;
    QRadioButton* m_automatic = nullptr;
    QRadioButton* m_fixed = nullptr;
    QSpinBox* m_count = nullptr;
    QLabel* m_rule = nullptr;
};

} // namespace ddpm::ui
