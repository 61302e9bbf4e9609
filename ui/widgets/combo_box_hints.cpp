#include "widgets/combo_box_hints.h"

#include <QApplication>
#include <QComboBox>
#include <QEvent>

namespace ddpm::ui {

namespace {

const char* const kFilterName = "ddpmComboBoxRemeasurer";

class ComboBoxRemeasurer : public QObject {
public:
    explicit ComboBoxRemeasurer(QObject* owner)
        : QObject(owner)
    {
        setObjectName(QLatin1String(kFilterName));
        qApp->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        // The combo box has its new font when it is told of the change; a style change is the
        // one event on which QComboBox drops its cached minimum size hint as well.
        if (event->type() == QEvent::FontChange)
            if (auto* combo = qobject_cast<QComboBox*>(watched)) {
                QEvent styleChange(QEvent::StyleChange);
                QCoreApplication::sendEvent(combo, &styleChange);
            }
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

void remeasureComboBoxesOnFontChange(QObject* owner)
{
    if (owner->findChild<ComboBoxRemeasurer*>(QLatin1String(kFilterName), Qt::FindDirectChildrenOnly) == nullptr)
        new ComboBoxRemeasurer(owner);
}

} // namespace ddpm::ui
