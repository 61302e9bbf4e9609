#include "widgets/wheel_guard.h"

#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QCoreApplication>
#include <QComboBox>
#include <QEvent>
#include <QWidget>

namespace ddpm::ui {

namespace {

class WheelGuard : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        auto* widget = static_cast<QWidget*>(watched);
        if (event->type() != QEvent::Wheel || widget->hasFocus())
            return false;
        // Not for the control: to the nearest scroll area around it, which scrolls (its
        // viewport hands the wheel to the scroll bars), or to no one.
        for (QWidget* up = widget->parentWidget(); up; up = up->parentWidget()) {
            if (auto* area = qobject_cast<QAbstractScrollArea*>(up)) {
                QCoreApplication::sendEvent(area->viewport(), event);
                break;
            }
        }
        return true;
    }
};

void guard(QWidget* widget, WheelGuard* filter)
{
    if (widget->focusPolicy() == Qt::WheelFocus)
        widget->setFocusPolicy(Qt::StrongFocus);
    widget->installEventFilter(filter);
}

} // namespace

void installWheelGuard(QWidget* root)
{
    auto* filter = new WheelGuard(root);
    for (QComboBox* combo : root->findChildren<QComboBox*>())
        guard(combo, filter);
    for (QAbstractSpinBox* spin : root->findChildren<QAbstractSpinBox*>())
        guard(spin, filter);
}

} // namespace ddpm::ui
