#include "widgets/wrapping_title.h"

#include <QFontMetrics>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace ddpm::ui {

namespace {
constexpr int kWrapFlags = Qt::AlignCenter | Qt::TextWordWrap;
} // namespace

WrappingTitle::WrappingTitle(QCustomPlot* plot, const QString& text, const QFont& font)
    : QCPTextElement(plot, text, font)
{
    setTextFlags(kWrapFlags);
}

int WrappingTitle::wrappedHeight(int width) const
{
    return QFontMetrics(mFont).boundingRect(QRect(0, 0, std::max(1, width), 0), kWrapFlags, mText).height();
}

int WrappingTitle::layoutWidth() const
{
    if (mRect.width() > 0)
        return mRect.width();
    return QFontMetrics(mFont).boundingRect(QRect(), Qt::AlignCenter, mText).width(); // not laid out yet
}

QSize WrappingTitle::minimumOuterSizeHint() const
{
    const QFontMetrics metrics(mFont);
    int widest = 0;
    for (const QString& word : mText.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
        widest = std::max(widest, metrics.horizontalAdvance(word));
    m_hintHeight = wrappedHeight(layoutWidth());
    return {widest + mMargins.left() + mMargins.right(), m_hintHeight + mMargins.top() + mMargins.bottom()};
}

QSize WrappingTitle::maximumOuterSizeHint() const
{
    return {QWIDGETSIZE_MAX, minimumOuterSizeHint().height()};
}

void WrappingTitle::update(UpdatePhase phase)
{
    QCPTextElement::update(phase);
    if (phase == upLayout && mParentPlot && m_hintHeight >= 0 && wrappedHeight(layoutWidth()) != m_hintHeight)
        mParentPlot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ddpm::ui
