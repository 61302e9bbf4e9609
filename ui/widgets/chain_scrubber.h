// The scrubber over a recorded chain: a slider over its steps from x_T (left) to the
// final sample x_0 (right), Play/Pause at a chosen speed, step buttons and a readout of t.
// Left/Right step one frame, Home/End jump to x_T/x_0, Space plays or pauses (on the slider
// and on the buttons). It holds positions only; the page shows the frame.
#pragma once

#include <QVector>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QTimer;

namespace ddpm::ui {

class ChainScrubber : public QWidget {
    Q_OBJECT
public:
    explicit ChainScrubber(QWidget* parent = nullptr);

    /// Forgets every position (and stops playing).
    void clear();
    /// Adds the next stored frame: chain step k (0 = the final sample) and its t. While the
    /// slider stands on the last position it follows the new one.
    void appendPosition(int step, int t);
    int count() const { return static_cast<int>(m_steps.size()); }
    /// Replaces every position at once (steps and their t, x_T first) and stands on index,
    /// emitting indexChanged once; playing goes on.
    void setPositions(const QVector<int>& steps, const QVector<int>& ts, int index);
    /// The chain step at a position (-1 outside 0..count() - 1).
    int stepAt(int index) const { return index >= 0 && index < count() ? m_steps[index] : -1; }

    /// The position shown, 0 (x_T) .. count() - 1; -1 when there is none.
    int index() const;
    void setIndex(int index);
    int currentStep() const;
    int currentT() const;

    bool isPlaying() const;
    /// Frames per second while playing.
    double speed() const;
    void setSpeed(double framesPerSecond);

    QSlider* slider() const { return m_slider; }

public Q_SLOTS:
    void play();
    void pause();
    void togglePlay();
    void stepForward();
    void stepBack();

Q_SIGNALS:
    void indexChanged(int index);
    void playingChanged(bool playing);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void advance();
    void updateReadout();

    QVector<int> m_steps;
    QVector<int> m_ts;
    QSlider* m_slider = nullptr;
    QPushButton* m_play = nullptr;
    QPushButton* m_back = nullptr;
    QPushButton* m_forward = nullptr;
    QComboBox* m_speed = nullptr;
    QLabel* m_readout = nullptr;
    QTimer* m_timer = nullptr;
};

} // namespace ddpm::ui
