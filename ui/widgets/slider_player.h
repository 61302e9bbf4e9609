// Play over a slider: a Play/Pause button and a speed box that move a QSlider from where it
// stands towards its maximum at a chosen number of slider steps a second, and stop there.
// Where the user moves the slider meanwhile, playing goes on from; Play at the end starts
// again from the minimum. The timer ticks at most 25 times a second and each tick moves as
// many steps as the time since the last one asks for, so a busy GUI keeps the speed.
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QWidget>

class QComboBox;
class QPushButton;
class QSlider;
class QTimer;

namespace ddpm::ui {

class SliderPlayer : public QWidget {
    Q_OBJECT
public:
    /// The speeds offered, in slider steps a second.
    static QList<int> speeds();
    /// The speed a new player starts at.
    static constexpr int kDefaultSpeed = 100;

    /// Plays `slider` (not owned; it must outlive the player or be its sibling).
    explicit SliderPlayer(QSlider* slider, QWidget* parent = nullptr);

    bool isPlaying() const;
    /// Slider steps a second while playing.
    int speed() const;
    /// Picks the offered speed nearest to `stepsPerSecond`.
    void setSpeed(int stepsPerSecond);

    QPushButton* playButton() const { return m_button; }
    QComboBox* speedBox() const { return m_speed; }

public Q_SLOTS:
    void play();
    void pause();
    void togglePlay();

Q_SIGNALS:
    void playingChanged(bool playing);

private:
    void advance();
    void updateInterval();

    QSlider* m_slider = nullptr;
    QPushButton* m_button = nullptr;
    QComboBox* m_speed = nullptr;
    QTimer* m_timer = nullptr;
    QElapsedTimer m_clock;
    double m_carry = 0.0; // steps owed but not yet taken (a fraction of one)
};

} // namespace ddpm::ui
