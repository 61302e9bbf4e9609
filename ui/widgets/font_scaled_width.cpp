#include "widgets/font_scaled_width.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QWidget>

#include <cmath>

namespace ddpm::ui {

namespace {

const QString kScalerName = QStringLiteral("ddpmFontScaledWidth");

/// Remembers a widget's width limits at one font and scales them when its font changes.
class WidthScaler : public QObject {
public:
    WidthScaler(QWidget* widget, ScaledLimits limits)
        : QObject(widget)
        , m_minimum(limits == ScaledLimits::MaximumOnly ? 0 : widget->minimumWidth())
        , m_maximum(widget->maximumWidth())
        , m_charWidth(QFontMetricsF(widget->font()).averageCharWidth())
    {
        setObjectName(kScalerName);
        widget->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::FontChange && m_charWidth > 0) {
            auto* widget = static_cast<QWidget*>(watched);
            const double scale = QFontMetricsF(widget->font()).averageCharWidth() / m_charWidth;
            if (m_minimum > 0)
                widget->setMinimumWidth(int(std::lround(m_minimum * scale)));
            if (m_maximum < QWIDGETSIZE_MAX)
                widget->setMaximumWidth(int(std::lround(m_maximum * scale)));
        }
        return QObject::eventFilter(watched, event);
    }

private:
    int m_minimum;
    int m_maximum;
    double m_charWidth;
};

} // namespace

void scaleWidthWithFont(QWidget* widget, ScaledLimits limits)
{
    if (!widget->findChild<QObject*>(kScalerName, Qt::FindDirectChildrenOnly))
        new WidthScaler(widget, limits);
}

} // namespace ddpm::ui
