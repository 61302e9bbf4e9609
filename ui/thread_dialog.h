// The Settings › Compute threads dialog: "automatic" (a short timed probe at every start picks
// the count) or a fixed count of torch threads. The choice is a value: 0 for automatic, N >= 1
// for N threads; the main window applies and saves it.
#pragma once

#include <QDialog>

class QRadioButton;
class QSpinBox;

namespace ddpm::ui {

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
    QRadioButton* m_automatic = nullptr;
    QRadioButton* m_fixed = nullptr;
    QSpinBox* m_count = nullptr;
};

} // namespace ddpm::ui
