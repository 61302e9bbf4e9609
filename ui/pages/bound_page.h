// Bound page: L_T, L_{t-1}, L_0 per t in bits/dim for the Forward page's image and a model.
#pragma once

#include <QWidget>

#include "ddpm/image.h"
#include "schedule_choice.h"

class QSettings;

namespace ddpm::ui {

class BoundPage : public QWidget {
    Q_OBJECT
public:
    explicit BoundPage(QWidget* parent = nullptr);
    ~BoundPage() override;

    /// The image whose bound is evaluated (from the Forward page) and a name for it.
    void setImage(const ddpm::Image& image, const QString& name);
    void setSchedule(const ScheduleChoice& choice);

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);
};

} // namespace ddpm::ui
