#include "widgets/slider_player.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSlider>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace ddpm::ui {

namespace {

constexpr int kFastestTickMs = 40; // 25 ticks a second at most

} // namespace

QList<int> SliderPlayer::speeds()
{
    return {10, 25, 50, 100, 250, 500};
}

SliderPlayer::SliderPlayer(QSlider* slider, QWidget* parent)
    : QWidget(parent)
    , m_slider(slider)
{
    m_button = new QPushButton(tr("Play"), this);
    m_button->setObjectName(QStringLiteral("play"));
    m_button->setToolTip(tr("Play: move t up one diffusion step after another, at the speed beside, "
                            "and stop at T (Space plays or pauses)"));
    m_speed = new QComboBox(this);
    m_speed->setObjectName(QStringLiteral("playSpeed"));
    for (int s : speeds())
        m_speed->addItem(tr("%1 steps/s").arg(s), s);
    m_speed->setToolTip(tr("How fast Play moves t: diffusion steps a second (at 100, T = 1000 takes 10 s)"));
    setSpeed(kDefaultSpeed);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_button);
    layout->addWidget(m_speed);

    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &SliderPlayer::advance);
    connect(m_button, &QPushButton::clicked, this, &SliderPlayer::togglePlay);
    connect(m_speed, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &SliderPlayer::updateInterval);
    updateInterval();
}

bool SliderPlayer::isPlaying() const
{
    return m_timer->isActive();
}

int SliderPlayer::speed() const
{
    return std::max(1, m_speed->currentData().toInt());
}

void SliderPlayer::setSpeed(int stepsPerSecond)
{
    int best = 0;
    for (int i = 1; i < m_speed->count(); ++i)
        if (std::abs(m_speed->itemData(i).toInt() - stepsPerSecond) < std::abs(m_speed->itemData(best).toInt() - stepsPerSecond))
            best = i;
    m_speed->setCurrentIndex(best);
}

void SliderPlayer::updateInterval()
{
    m_timer->setInterval(std::max(kFastestTickMs, int(std::lround(1000.0 / speed()))));
}

void SliderPlayer::play()
{
    if (isPlaying() || !m_slider->isEnabled())
        return;
    if (m_slider->value() >= m_slider->maximum())
        m_slider->setValue(m_slider->minimum()); // from the end: again from the start
    m_carry = 0.0;
    m_clock.start();
    m_timer->start();
    m_button->setText(tr("Pause"));
    Q_EMIT playingChanged(true);
}

void SliderPlayer::pause()
{
    if (!isPlaying())
        return;
    m_timer->stop();
    m_button->setText(tr("Play"));
    Q_EMIT playingChanged(false);
}

void SliderPlayer::togglePlay()
{
    isPlaying() ? pause() : play();
}

void SliderPlayer::advance()
{
    // As many steps as the time since the last tick asks for (at least one a tick).
    const double owed = m_carry + speed() * (m_clock.restart() / 1000.0);
    const int steps = std::max(1, int(owed));
    m_carry = std::max(0.0, owed - steps);
    const int next = std::min(m_slider->maximum(), m_slider->value() + steps);
    m_slider->setValue(next);
    if (next >= m_slider->maximum())
        pause();
}

} // namespace ddpm::ui
