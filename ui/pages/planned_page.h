// A page whose feature is not built yet: it says plainly what it will hold.
#pragma once

#include <QWidget>

namespace ddpm::ui {

class PlannedPage : public QWidget {
    Q_OBJECT
public:
    PlannedPage(const QString& title, const QString& description, QWidget* parent = nullptr);
};

} // namespace ddpm::ui
