#include "widgets/chain_scrubber.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ddpm::ui {

ChainScrubber::ChainScrubber(QWidget* parent)
    : QWidget(parent)
{
    m_back = new QPushButton(QStringLiteral("◀"), this);
    m_back->setObjectName(QStringLiteral("stepBack"));
    m_back->setToolTip(tr("One step towards x_T (Left)"));
    m_play = new QPushButton(tr("Play"), this);
    m_play->setObjectName(QStringLiteral("play"));
    m_play->setToolTip(tr("Play the chain from x_T to x_0 (Space)"));
    m_forward = new QPushButton(QStringLiteral("▶"), this);
    m_forward->setObjectName(QStringLiteral("stepForward"));
    m_forward->setToolTip(tr("One step towards x_0 (Right)"));
    for (QPushButton* b : {m_back, m_forward})
        b->setMaximumWidth(36);
    m_speed = new QComboBox(this);
    m_speed->setObjectName(QStringLiteral("speed"));
    for (int fps : {2, 5, 10, 25, 50, 100})
        m_speed->addItem(tr("%1 steps/s").arg(fps), fps);
    m_speed->setCurrentIndex(m_speed->findData(25));
    m_speed->setToolTip(tr("How fast Play walks the chain (steps a second)"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("chainSlider"));
    m_slider->setRange(0, 0);
    m_slider->setPageStep(10);
    m_slider->setToolTip(tr("The chain from x_T (left) to the final sample x_0 (right)"));
    m_readout = new QLabel(this);
    m_readout->setObjectName(QStringLiteral("chainReadout"));
    QFont bold = m_readout->font();
    bold.setBold(true);
    m_readout->setFont(bold);

    // The slider gets the whole width; the buttons and the readout go under it.
    auto* track = new QHBoxLayout;
    track->addWidget(new QLabel(tr("x_T"), this));
    track->addWidget(m_slider, 1);
    track->addWidget(new QLabel(tr("x_0"), this));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_back);
    buttons->addWidget(m_play);
    buttons->addWidget(m_forward);
    buttons->addWidget(m_speed);
    buttons->addSpacing(8);
    buttons->addWidget(m_readout, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(track);
    layout->addLayout(buttons);

    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &ChainScrubber::advance);
    connect(m_play, &QPushButton::clicked, this, &ChainScrubber::togglePlay);
    connect(m_back, &QPushButton::clicked, this, &ChainScrubber::stepBack);
    connect(m_forward, &QPushButton::clicked, this, &ChainScrubber::stepForward);
    connect(m_speed, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
        m_timer->setInterval(static_cast<int>(std::lround(1000.0 / speed())));
    });
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        updateReadout();
        Q_EMIT indexChanged(value);
    });
    for (QWidget* w : {static_cast<QWidget*>(m_slider), static_cast<QWidget*>(m_play), static_cast<QWidget*>(m_back),
                       static_cast<QWidget*>(m_forward)})
        w->installEventFilter(this);
    m_timer->setInterval(static_cast<int>(std::lround(1000.0 / speed())));
    clear();
}

void ChainScrubber::clear()
{
    pause();
    m_steps.clear();
    m_ts.clear();
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, 0);
    m_slider->setValue(0);
    setEnabled(false);
    updateReadout();
}

void ChainScrubber::appendPosition(int step, int t)
{
    const bool follow = m_steps.isEmpty() || m_slider->value() == count() - 1;
    m_steps.push_back(step);
    m_ts.push_back(t);
    setEnabled(true);
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, count() - 1);
    }
    if (follow && !isPlaying())
        m_slider->setValue(count() - 1);
    else
        updateReadout();
    if (count() == 1)
        Q_EMIT indexChanged(0); // setValue(0) on a slider at 0 says nothing
}

void ChainScrubber::setPositions(const QVector<int>& steps, const QVector<int>& ts, int index)
{
    m_steps = steps;
    m_ts = ts;
    m_ts.resize(m_steps.size());
    setEnabled(!m_steps.isEmpty());
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, std::max(0, count() - 1));
        m_slider->setValue(std::clamp(index, 0, std::max(0, count() - 1)));
    }
    updateReadout();
    if (!m_steps.isEmpty())
        Q_EMIT indexChanged(m_slider->value());
}

int ChainScrubber::index() const
{
    return m_steps.isEmpty() ? -1 : m_slider->value();
}

void ChainScrubber::setIndex(int index)
{
    if (!m_steps.isEmpty())
        m_slider->setValue(std::clamp(index, 0, count() - 1));
}

int ChainScrubber::currentStep() const
{
    return m_steps.isEmpty() ? -1 : m_steps[m_slider->value()];
}

int ChainScrubber::currentT() const
{
    return m_ts.isEmpty() ? -1 : m_ts[m_slider->value()];
}

bool ChainScrubber::isPlaying() const
{
    return m_timer->isActive();
}

double ChainScrubber::speed() const
{
    return std::max(1, m_speed->currentData().toInt());
}

void ChainScrubber::setSpeed(double framesPerSecond)
{
    // The nearest speed offered.
    int best = 0;
    for (int i = 1; i < m_speed->count(); ++i)
        if (std::abs(m_speed->itemData(i).toDouble() - framesPerSecond)
            < std::abs(m_speed->itemData(best).toDouble() - framesPerSecond))
            best = i;
    m_speed->setCurrentIndex(best);
}

void ChainScrubber::play()
{
    if (m_steps.isEmpty() || isPlaying())
        return;
    if (m_slider->value() >= count() - 1)
        m_slider->setValue(0); // from the end: play again from x_T
    m_timer->start();
    m_play->setText(tr("Pause"));
    Q_EMIT playingChanged(true);
}

void ChainScrubber::pause()
{
    if (!m_timer->isActive())
        return;
    m_timer->stop();
    m_play->setText(tr("Play"));
    Q_EMIT playingChanged(false);
}

void ChainScrubber::togglePlay()
{
    isPlaying() ? pause() : play();
}

void ChainScrubber::stepForward()
{
    setIndex(index() + 1);
}

void ChainScrubber::stepBack()
{
    setIndex(index() - 1);
}

void ChainScrubber::advance()
{
    if (m_slider->value() >= count() - 1) {
        pause();
        return;
    }
    m_slider->setValue(m_slider->value() + 1);
}

void ChainScrubber::updateReadout()
{
    if (m_steps.isEmpty()) {
        m_readout->setText(tr("no chain yet"));
        return;
    }
    const int i = m_slider->value();
    const int k = m_steps[i];
    const int chain = m_steps.front();
    if (k == 0)
        m_readout->setText(tr("x₀ · the final sample"));
    else
        m_readout->setText(tr("t = %1 · step %2 of %3").arg(m_ts[i]).arg(chain - k + 1).arg(chain));
}

bool ChainScrubber::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
        case Qt::Key_Space: togglePlay(); return true;
        case Qt::Key_Right: stepForward(); return true;
        case Qt::Key_Left: stepBack(); return true;
        case Qt::Key_Home: setIndex(0); return true;
        case Qt::Key_End: setIndex(count() - 1); return true;
        default: break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace ddpm::ui
